import type { GatewayDeployResult } from "../gateway-deploy.ts";

/** gateway-deploy's outputs, by the names in actions/gateway-deploy/action.yml, for both adapters. */
export function gatewayDeployOutputs(result: GatewayDeployResult): Record<string, string> {
  return {
    "deployment-id": result.deploymentId,
    endpoint: result.endpoint,
    url: result.url,
    changed: String(result.changed),
    // One per line: entra-token's expected-issuer/expected-audience read lists in that form.
    issuers: result.issuers.join("\n"),
    audiences: result.audiences.join("\n"),
    ...(result.previous ? { "previous-etag": result.previous.etag } : {}),
  };
}
