import { decodeJwt, type JWTPayload } from "jose";
import type { DeployedApi } from "../oci/gateway/deployed-api.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { diagnoseFailure, type FailedCall, functionBehind } from "./smoke-diagnosis.ts";
import { platformOfUrl, type SmokePlatform } from "./smoke-platform-causes.ts";

/** What the pipeline hands the smoke test about the deployment it just made. */
export interface DeployedContext {
  api: DeployedApi;
  /** To work out the exact gateway → functions statement on a 500. */
  gateway?: { ociProfile: OciProfile; gatewayId: string };
}

/**
 * The likely cause of a failed positive check: the token decoded here (its claims only), the exact
 * IAM statement looked up when a 500/502 may mean the gateway may not invoke the function.
 */
export async function failureCause(
  failed: {
    status: number;
    url: string;
    method: string;
    token: string | undefined;
    platform?: SmokePlatform;
  },
  deployed: DeployedContext | undefined,
  ociEndpoint: string | undefined,
  nowSeconds: number,
): Promise<string | undefined> {
  const call: FailedCall = {
    status: failed.status,
    url: failed.url,
    method: failed.method,
    claims: failed.token === undefined ? undefined : claimsOf(failed.token),
    deployed: deployed?.api,
    nowSeconds,
    // The pipelines say who answers; the standalone action knows it from the URL's host, if at all.
    platform: failed.platform ?? (deployed ? "oci-gateway" : platformOfUrl(failed.url)),
  };
  const functionId = deployed ? functionBehind(deployed.api, failed.url) : undefined;
  if ((failed.status === 500 || failed.status === 502) && deployed?.gateway && functionId) {
    const { invokeStatementFor } = await import("./smoke-invoke-statement.ts");
    call.invokeStatement = await invokeStatementFor({ ...deployed.gateway, functionId }, ociEndpoint);
  }
  return diagnoseFailure(call);
}

function claimsOf(token: string): JWTPayload | "undecodable" {
  try {
    return decodeJwt(token);
  } catch {
    return "undecodable";
  }
}
