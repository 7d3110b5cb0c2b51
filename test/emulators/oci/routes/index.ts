// Every route the OCI emulator serves. New services add their file's list here.
import type { RouteDefinition } from "../router.ts";
import { apiGatewayDeploymentRoutes } from "./apigateway-deployments.ts";
import { apiGatewayGatewayRoutes } from "./apigateway-gateways.ts";
import { artifactsRoutes } from "./artifacts.ts";
import { functionRoutes } from "./functions.ts";
import { functionsApplicationRoutes } from "./functions-applications.ts";
import { functionsInvokeRoutes } from "./functions-invoke.ts";
import { identityDomainRoutes } from "./identity-domain.ts";
import { identityPolicyRoutes } from "./identity-policies.ts";
import { objectStorageRoutes } from "./object-storage.ts";
import { registryTokenRoutes } from "./registry-token.ts";

export const allRoutes: readonly RouteDefinition[] = [
  ...objectStorageRoutes,
  ...identityPolicyRoutes,
  ...functionsApplicationRoutes,
  ...functionRoutes,
  ...functionsInvokeRoutes,
  ...artifactsRoutes,
  ...apiGatewayGatewayRoutes,
  ...apiGatewayDeploymentRoutes,
  ...identityDomainRoutes,
  ...registryTokenRoutes,
];
