import { escapeHtml } from "../settings-summary.ts";
import type { DeployOutcome, RolloutOutcome } from "./outcome.ts";

/** Marks fngate's comment for one environment, so each run finds and updates it instead of adding one. */
export function commentMarker(environment: string): string {
  return `<!-- fngate-deploy:${encodeURIComponent(environment)} -->`;
}

/** A table cell: no pipe or line break may end the cell or the row early, and no HTML runs. */
function cell(value: string): string {
  return escapeHtml(value).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * The pull request comment: where the API is, whether the run verified it, and each smoke check, for
 * one environment. Never a secret: the outcome holds identifiers, statuses and redacted details only.
 */
export function commentBody(
  environment: string,
  outcome: DeployOutcome,
  run: { sha: string; logUrl: string },
): string {
  const verdict =
    outcome.failure !== undefined
      ? `❌ failed: ${cell(outcome.failure)}`
      : outcome.checks.length > 0
        ? "✅ live and verified by the smoke test"
        : "⚠️ deployed; no smoke test ran";
  const lines = [
    commentMarker(environment),
    `### fngate: ${cell(environment)}`,
    "",
    "| | |",
    "| --- | --- |",
    `| Result | ${verdict} |`,
    `| URL | ${outcome.url ? cell(outcome.url) : "not deployed"} |`,
    ...(outcome.rollout ? [`| Rollout | ${rolloutCell(outcome.rollout)} |`] : []),
    `| Commit | \`${cell(run.sha.slice(0, 12))}\` |`,
    `| Run | [log](${run.logUrl}) |`,
  ];
  if (outcome.checks.length > 0) {
    lines.push("", "| Check | Expected | Answered | Verdict |", "| --- | --- | --- | --- |");
    for (const check of outcome.checks) {
      lines.push(
        `| ${cell(check.check)} | ${cell(check.expected)} | ${cell(check.answered)} | ${check.passed ? "✅" : "❌"} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The rollout's row: what serves the URL now. */
function rolloutCell(rollout: RolloutOutcome): string {
  const detail = rollout.detail ? `: ${cell(rollout.detail)}` : "";
  switch (rollout.result) {
    case "promoted":
      return `✅ promoted${detail}`;
    case "rolled back":
      return `↩️ rolled back${detail}`;
    case "canary":
      return `🐤 canary: ${rollout.sharePercent}% of traffic${detail}`;
  }
}
