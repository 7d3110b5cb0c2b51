import { planGatewayDeploy } from "../oci/gateway/gateway-plan.ts";
import type { GatewayDeployInputs } from "../steps/gateway-deploy.ts";
import { readGatewaySettings } from "./gateway-settings.ts";
import { type InputHost, requireOciProfile } from "./input-host.ts";
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
