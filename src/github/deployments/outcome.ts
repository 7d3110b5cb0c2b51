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
  /** What the rollout did, when the run's steps report one (the rollout strategies of issue 18). */
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

/**
 * The seam for the rollout steps: a pipeline result that carries `rollout` has it recorded, one that
 * does not (today's, or `rollout: direct`) has no rollout row.
 */
export interface MaybeRollout {
  rollout?: RolloutOutcome | undefined;
}

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
export function pipelineOutcome(run: PipelineResult & MaybeRollout): DeployOutcome {
  return verdictOf(run.gateway?.url, run);
}

/** The same for the Cloud Run pipeline: the service's URL, which its smoke test verified. */
export function cloudRunPipelineOutcome(run: CloudRunPipelineResult & MaybeRollout): DeployOutcome {
  return verdictOf(run.deployed?.url, run);
}

function verdictOf(
  url: string | undefined,
  run: { smoke?: { results: readonly CheckResult[] }; failure?: string } & MaybeRollout,
): DeployOutcome {
  return {
    ...(url ? { url } : {}),
    checks: run.smoke?.results ?? [],
    ...(run.failure === undefined ? {} : { failure: run.failure }),
    ...(run.rollout ? { rollout: run.rollout } : {}),
  };
}

/** A run that stopped with an error: a user's error says why in one line; anything else points at the log. */
export function failedRun(error: unknown): DeployOutcome {
  return { checks: [], failure: isUserError(error) ? error.message : "the run failed; its log says why" };
}
