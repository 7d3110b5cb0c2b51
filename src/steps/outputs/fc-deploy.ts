import type { FcDeployResult } from "../fc-deploy.ts";

/** fc-deploy's outputs, by the names in actions/fc-deploy/action.yml, for both adapters. */
export function fcDeployOutputs(result: FcDeployResult): Record<string, string> {
  return {
    "function-arn": result.functionArn,
    changed: String(result.changed),
    ...(result.url === undefined ? {} : { url: result.url }),
    ...(result.invokeResult === undefined ? {} : { "invoke-result": result.invokeResult }),
  };
}
