import type { StepContext } from "../step-context.ts";
import type { CloudRunDeployInputs, CloudRunDeployResult, CloudRunDeployTools } from "./cloud-run-deploy.ts";
import { deleteFailedService } from "./cloud-run-first-revision.ts";
import { moveTraffic, type RolloutOutcome } from "./cloud-run-rollout.ts";

/** Work on the service once the candidate's checks are known, run as a pipeline stage of its own. */
export type CandidateStage<T> = (
  inputs: CloudRunDeployInputs,
  ctx: StepContext,
  tools: CloudRunDeployTools,
) => Promise<T>;

/** Runs one candidate stage under `name` ("cloud-run-promote", "cloud-run-delete"). */
export type RunCandidateStage = <T>(name: string, work: CandidateStage<T>) => Promise<T>;

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
 * gets none, and loses its tag, so nothing keeps pointing at code that failed. A failing first revision
 * of a service this run created already serves (there was nothing to keep the traffic on), so the
 * service is deleted instead. Undefined when there was no candidate (direct, or nothing new to verify).
 */
export async function finishCandidate(
  deployed: CloudRunDeployResult | undefined,
  passed: boolean,
  runStage: RunCandidateStage,
): Promise<{ outcome: RolloutOutcome; failure?: string } | undefined> {
  const before = deployed?.rollout;
  const revision = before?.candidate;
  if (!deployed || !before || revision === undefined) return undefined;
  if (!passed && deployed.serviceChanges.includes("created")) {
    return removeFirstRevision(deployed.url, { ...before, candidate: revision }, runStage);
  }
  const kind = passed ? "promote" : "discard";
  const outcome = await runStage("cloud-run-promote", (inputs, ctx, tools) =>
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

/** The failed first revision's service deleted, or (when that fails) what is live and what to do. */
async function removeFirstRevision(
  url: string,
  before: RolloutOutcome & { candidate: string },
  runStage: RunCandidateStage,
): Promise<{ outcome: RolloutOutcome; failure: string }> {
  const revision = before.candidate;
  const removal = await runStage("cloud-run-delete", deleteFailedService);
  const { candidate: _candidate, tag: _tag, ...kept } = before;
  if (removal.deleted) {
    return {
      outcome: { ...kept, promoted: false, rolledBack: true, tagUrl: "", traffic: "" },
      failure: `Revision ${revision} failed the smoke test; it was the first revision of a service this run created, so the service was deleted and nothing serves the failed revision: fix the function and deploy again (the next run creates the service afresh).`,
    };
  }
  return {
    outcome: { ...kept, promoted: false, rolledBack: false },
    failure: `Revision ${revision} failed the smoke test and is LIVE: it is the first revision of a service this run created, and deleting the service failed (${removal.reason}), so it serves all traffic at ${url}: delete the service (${removal.deleteCommand}) or deploy a fixed build before callers rely on it.`,
  };
}
