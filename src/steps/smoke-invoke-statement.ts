import { gatewayInvokeStatement } from "../oci/iam/gateway-invoke-fix.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { callFailure } from "../preflight/oci/call-failure.ts";
import { compartmentPath } from "../preflight/oci/compartment-path.ts";
import { preflightClients } from "../preflight/oci/preflight-clients.ts";

/** The deployed gateway and the function behind the route, as the pipeline's stages know them. */
export interface GatewayBackend {
  ociProfile: OciProfile;
  gatewayId: string;
  functionId: string;
}

// Only to name a fix after the verdict: a slow answer is not worth holding the failure for.
const RETRY_SECONDS = 5;

/**
 * The exact statement that lets this gateway invoke this function, worked out with the same read-only
 * calls preflight makes (GetGateway, GetFunction, GetCompartment up to the tenancy), or why not.
 */
export async function invokeStatementFor(
  backend: GatewayBackend,
  endpoint: string | undefined,
): Promise<{ statement: string } | { unknown: string }> {
  const clients = preflightClients({
    ...backend.ociProfile,
    ...(endpoint ? { endpoint } : {}),
    retrySeconds: RETRY_SECONDS,
  });
  let step = "GetGateway";
  try {
    const { gateway } = await clients.gateways.getGateway({ gatewayId: backend.gatewayId });
    step = "GetFunction";
    const fn = await clients.functions.getFunction({ functionId: backend.functionId });
    const compartmentId = fn.function.compartmentId;
    if (!compartmentId) return { unknown: "GetFunction named no compartment" };
    step = "GetCompartment";
    const { path } = await compartmentPath(clients.identity, compartmentId, clients.tenancyId);
    return { statement: gatewayInvokeStatement(path, gateway.compartmentId) };
  } catch (error) {
    return { unknown: `${step}: ${callFailure(error)}` };
  } finally {
    clients.close();
  }
}
