import type { FcDeployResult, FcRolloutOutcome } from "../fc-deploy.ts";

/** fc-deploy's outputs, by the names in actions/fc-deploy/action.yml, for both adapters. */
export function fcDeployOutputs(result: FcDeployResult): Record<string, string> {
  return {
    "function-arn": result.functionArn,
    changed: String(result.changed),
    ...(result.url === undefined ? {} : { url: result.url }),
    ...(result.invokeResult === undefined ? {} : { "invoke-result": result.invokeResult }),
    ...(result.rollout === undefined ? {} : rolloutOutputs(result.rollout)),
  };
}

/** A verify-then-promote run's outputs: the version, the one the alias served before, and the verdict. */
export function rolloutOutputs(rollout: FcRolloutOutcome): Record<string, string> {
  return {
    version: rollout.version,
    "previous-version": rollout.previousVersion,
    promoted: String(rollout.promoted),
    "rolled-back": String(rollout.rolledBack),
  };
}
