import type { FnDeployResult } from "../fn-deploy.ts";

/** fn-deploy's outputs, by the names in actions/fn-deploy/action.yml, for both adapters. */
export function fnDeployOutputs(result: FnDeployResult): Record<string, string> {
  return {
    "function-id": result.functionId,
    image: result.image,
    digest: result.digest,
    "invoke-endpoint": result.invokeEndpoint,
    changed: String(result.action !== "unchanged"),
    ...(result.invokeResponse === undefined ? {} : { "invoke-response": result.invokeResponse }),
    ...(result.previous ? { "previous-image": result.previous.image } : {}),
  };
}
