import { checkRunLabel } from "../run-label.ts";
import type { GatewaySettings } from "../steps/stage-settings.ts";
import { type InputHost, withDefaultRunLabel } from "./input-host.ts";
import type { InputReader } from "./reader.ts";

/**
 * The gateway inputs as given, shared by gateway-deploy and the pipeline's gateway stage. Light on
 * purpose (the pipeline reads it before any SDK or YAML parser loads); their values are planned apart.
 */
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
