import { actionInputs, type InputReader } from "../github/inputs.ts";
import { requireOciProfile } from "../github/oci-profile.ts";
import { checkRunLabel } from "../run-label.ts";
import type { GatewayDeployInputs } from "../steps/gateway-deploy.ts";

/**
 * The gateway-deploy inputs as one typed object. The OCI credentials are the profile fn-context wrote
 * and exported (OCI_CLI_CONFIG_FILE, OCI_CLI_PROFILE); the values are checked by the step's plan.
 */
export function getInputs(
  read: InputReader = actionInputs,
  ociProfile = requireOciProfile(),
): GatewayDeployInputs {
  const { optional, required, boolean } = read;
  return {
    gatewayOcid: required("gateway-ocid"),
    compartmentOcid: optional("compartment-ocid"),
    deployment: required("deployment"),
    pathPrefix: optional("path-prefix"),
    routes: optional("routes"),
    routePath: optional("route-path"),
    routeMethods: optional("route-methods"),
    functionId: optional("function-id"),
    jwksUri: optional("jwks-uri"),
    entraTenantId: optional("entra-tenant-id"),
    authorityHost: optional("authority-host"),
    issuers: optional("issuers"),
    audiences: optional("audiences"),
    requiredClaims: optional("required-claims"),
    tokenHeader: optional("token-header"),
    tokenScheme: optional("token-scheme"),
    maxClockSkew: optional("max-clock-skew"),
    jwksCacheHours: optional("jwks-cache-hours"),
    allowAnonymous: boolean("allow-anonymous", false),
    prune: boolean("prune", false),
    wait: boolean("wait", true),
    ociProfile,
    runLabel: checkRunLabel(optional("run-label")),
  };
}
