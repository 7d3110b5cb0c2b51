import type { CloudRunDeployResult } from "../cloud-run-deploy.ts";

/** cloud-run-deploy's outputs, by the names in actions/cloud-run-deploy/action.yml, for both adapters. */
export function cloudRunDeployOutputs(result: CloudRunDeployResult): Record<string, string> {
  return { url: result.url, revision: result.revision, changed: String(result.changed) };
}
