import { isUserError } from "../../errors.ts";
import type { CloudRunPipelineResult } from "../../steps/cloud-run-pipeline.ts";
import type { PipelineResult } from "../../steps/pipeline.ts";
import type { CheckResult } from "../../steps/smoke-verdict.ts";

/** How a run ended, as its GitHub deployment status and pull request comment tell it. */
export interface DeployOutcome {
  /** The API's URL, when the run got as far as deploying it. */
  url?: string;
  /** The smoke checks that ran; none when the run had no smoke stage or failed before it. */
  checks: readonly CheckResult[];
  /** Set when the run failed: its one-line reason. */
  failure?: string;
  /** What the rollout did: promoted, rolled back or a canary share (none under rollout: direct's failures). */
  rollout?: RolloutOutcome;
}

/**
 * A rollout's result as the pull request comment shows it: the new version promoted (serving all
 * traffic), rolled back (the previous one restored or never replaced), or serving a canary share.
 */
export type RolloutOutcome =
  | { result: "promoted"; detail?: string }
  | { result: "rolled back"; detail?: string }
  | { result: "canary"; sharePercent: number; detail?: string };

/** Deployment status descriptions are capped at 140 characters (GitHub refuses longer ones). */
export const STATUS_DESCRIPTION_MAX = 140;

/** The status a finished run records: verified only when every smoke check passed. */
export function finalStatus(outcome: DeployOutcome): {
  state: "success" | "failure";
  description: string;
  environmentUrl?: string;
} {
  if (outcome.failure !== undefined) {
    return { state: "failure", description: clip(`fngate: ${outcome.failure}`) };
  }
  const verified = outcome.checks.length > 0 && outcome.checks.every((check) => check.passed);
  const description = verified
    ? `fngate: live; ${outcome.checks.length} smoke checks passed`
    : "fngate: deployed; no smoke test ran, so nothing verified it";
  return { state: "success", description, ...(outcome.url ? { environmentUrl: outcome.url } : {}) };
}

function clip(text: string): string {
  return text.length <= STATUS_DESCRIPTION_MAX ? text : `${text.slice(0, STATUS_DESCRIPTION_MAX - 1)}…`;
}

/** What a finished pipeline run tells the record: its URL, its smoke checks, its rollout and its verdict. */
export function pipelineOutcome(run: PipelineResult): DeployOutcome {
  return verdictOf(run.gateway?.url, run, ociRollout(run));
}

/** The same for the Cloud Run pipeline: the service's URL, which its smoke test verified. */
export function cloudRunPipelineOutcome(run: CloudRunPipelineResult): DeployOutcome {
  return verdictOf(run.deployed?.url, run, cloudRunRollout(run));
}

/** OCI: a verified run keeps its version (promoted); a failed one under verify-then-promote was put back. */
function ociRollout(run: PipelineResult): RolloutOutcome | undefined {
  if (run.rolledBack)
    return { result: "rolled back", detail: "the previous function image and deployment specification" };
  return run.smoke?.passed ? { result: "promoted" } : undefined;
}

/** Cloud Run: the revision's share of the traffic after the run (a canary below 100). */
function cloudRunRollout(run: CloudRunPipelineResult): RolloutOutcome | undefined {
  const rollout = run.deployed?.rollout;
  if (!rollout) return undefined;
  if (rollout.rolledBack)
    return { result: "rolled back", detail: `revision ${rollout.revision} took no traffic` };
  if (!rollout.promoted) return undefined;
  const share = rollout.traffic
    .split(",")
    .map((entry) => entry.split("="))
    .filter(([revision]) => revision === rollout.revision)
    .reduce((sum, [, percent]) => sum + Number(percent), 0);
  return share > 0 && share < 100
    ? { result: "canary", sharePercent: share, detail: `revision ${rollout.revision}` }
    : { result: "promoted", detail: `revision ${rollout.revision}` };
}

function verdictOf(
  url: string | undefined,
  run: { smoke?: { results: readonly CheckResult[] }; failure?: string },
  rollout: RolloutOutcome | undefined,
): DeployOutcome {
  return {
    ...(url ? { url } : {}),
    checks: run.smoke?.results ?? [],
    ...(run.failure === undefined ? {} : { failure: run.failure }),
    ...(rollout ? { rollout } : {}),
  };
}

/** A run that stopped with an error: a user's error says why in one line; anything else points at the log. */
export function failedRun(error: unknown): DeployOutcome {
  return { checks: [], failure: isUserError(error) ? error.message : "the run failed; its log says why" };
}
