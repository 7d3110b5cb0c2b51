import type { CloudRunDeployResult } from "../cloud-run-deploy.ts";

/** cloud-run-deploy's outputs, by the names in actions/cloud-run-deploy/action.yml, for both adapters. */
export function cloudRunDeployOutputs(result: CloudRunDeployResult): Record<string, string> {
  return {
    url: result.url,
    revision: result.revision,
    changed: String(result.changed),
    ...rolloutOutputs(result),
  };
}

/** promoted, rolled-back, previous-revision, tag-url and traffic: where the rollout left the service. */
export function rolloutOutputs(result: Pick<CloudRunDeployResult, "rollout">): Record<string, string> {
  const rollout = result.rollout;
  if (!rollout) return {};
  return {
    promoted: String(rollout.promoted),
    "rolled-back": String(rollout.rolledBack),
    "previous-revision": rollout.previousRevision,
    "tag-url": rollout.tagUrl,
    traffic: rollout.traffic,
  };
}
