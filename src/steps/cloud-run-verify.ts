import type { StepContext } from "../step-context.ts";
import type { CloudRunDeployInputs, CloudRunDeployResult, CloudRunDeployTools } from "./cloud-run-deploy.ts";
import { moveTraffic, type RolloutOutcome } from "./cloud-run-rollout.ts";

/** Moves the traffic once the candidate's checks are known (run inside the pipeline's promote stage). */
export type CandidateStage = (
  inputs: CloudRunDeployInputs,
  ctx: StepContext,
  tools: CloudRunDeployTools,
) => Promise<RolloutOutcome>;

/**
 * The URL the pipeline's smoke test calls: the candidate's tag URL when there is a revision to verify
 * (never the main URL then: that serves the previous revision, and checking it would promote an
 * unchecked one), else the service's URL.
 */
export function smokeTarget(deployed: CloudRunDeployResult | undefined): string {
  const rollout = deployed?.rollout;
  if (rollout?.candidate === undefined) return deployed?.url ?? "";
  if (!rollout.tagUrl) {
    throw new Error(`Cloud Run reported no URL for the tag of revision ${rollout.candidate}`);
  }
  return rollout.tagUrl;
}

/**
 * After the smoke test: a passing candidate gets its traffic (all, or the canary share); a failing one
 * gets none, and loses its tag, so nothing keeps pointing at code that failed. Undefined when there
 * was no candidate (direct, or nothing new to verify).
 */
export async function finishCandidate(
  deployed: CloudRunDeployResult | undefined,
  passed: boolean,
  runStage: (candidate: CandidateStage) => Promise<RolloutOutcome>,
): Promise<{ outcome: RolloutOutcome; failure?: string } | undefined> {
  const before = deployed?.rollout;
  const revision = before?.candidate;
  if (!before || revision === undefined) return undefined;
  const kind = passed ? "promote" : "discard";
  const outcome = await runStage((inputs, ctx, tools) =>
    moveTraffic(inputs, ctx, tools, { kind, revision }).then(
      ({ url: _url, changed: _changed, ...rest }) => rest,
    ),
  );
  if (passed) return { outcome };
  const tag = `its tag ${before.tag ?? ""} was removed`;
  const failure = before.previousRevision
    ? `Revision ${revision} failed the smoke test and takes no traffic: traffic stayed on the previous revision ${before.previousRevision} (${outcome.traffic}); ${tag}.`
    : `Revision ${revision} failed the smoke test; it is the service's first revision, so there is no previous one to keep the traffic on: fix the function and deploy again (${tag}).`;
  return { outcome: { ...outcome, promoted: false }, failure };
}
