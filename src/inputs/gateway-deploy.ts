import { planGatewayDeploy } from "../oci/gateway/gateway-plan.ts";
import { checkRunLabel } from "../run-label.ts";
import type { GatewayDeployInputs } from "../steps/gateway-deploy.ts";
import type { GatewaySettings } from "../steps/stage-settings.ts";
import { type InputHost, requireOciProfile, withDefaultRunLabel } from "./input-host.ts";
import type { InputReader } from "./reader.ts";

/**
 * The gateway-deploy inputs as one typed object. The OCI credentials are the profile fn-context wrote
 * and exported (OCI_CLI_CONFIG_FILE, OCI_CLI_PROFILE); the values are checked by the step's plan.
 */
export function readGatewayDeployInputs(read: InputReader, host: InputHost): GatewayDeployInputs {
  // The inputs first: a user missing both hears about the inputs, then (once) about the profile.
  const settings = readGatewaySettings(read, host, { functionIdGiven: true });
  // Their values too (OCIDs, routes, the auth policy): the step plans the same way before any call.
  read.field(PLANNED_INPUTS, () => planGatewayDeploy(settings));
  return { ...settings, ociProfile: requireOciProfile(host) };
}

/** What the gateway plan reads: once one of them is missing or refused, the plan is not checked. */
const PLANNED_INPUTS = [
  "gateway-ocid",
  "compartment-ocid",
  "deployment",
  "path-prefix",
  "routes",
  "route-path",
  "route-methods",
  "function-id",
  "jwks-uri",
  "entra-tenant-id",
  "authority-host",
  "issuers",
  "audiences",
  "required-claims",
  "token-header",
  "token-scheme",
  "max-clock-skew",
  "jwks-cache-hours",
  "allow-anonymous",
];

export function readGatewaySettings(
  read: InputReader,
  host: InputHost,
  { functionIdGiven }: { functionIdGiven: boolean },
): GatewaySettings {
  const { optional, required, boolean } = read;
  const settings: GatewaySettings = {
    gatewayOcid: required("gateway-ocid"),
    compartmentOcid: optional("compartment-ocid"),
    deployment: required("deployment"),
    pathPrefix: optional("path-prefix"),
    routes: optional("routes"),
    routePath: optional("route-path"),
    routeMethods: optional("route-methods"),
    functionId: functionIdGiven ? optional("function-id") : undefined,
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
    runLabel: read.field("run-label", () => checkRunLabel(optional("run-label"))),
  };
  return withDefaultRunLabel(settings, host);
}
