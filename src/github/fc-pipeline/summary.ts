import type { FcPipelineResult } from "../../steps/fc-pipeline.ts";
import { stageTimeline, TIMELINE_HEADER } from "../../steps/stage-timeline.ts";
import { writeTableSummary } from "../settings-summary.ts";

/** One table for the whole run (the function and its trigger, the token, every check), and the timeline. */
export async function writeFcPipelineSummary(run: FcPipelineResult): Promise<void> {
  const rows: string[][] = [];
  if (run.deployed) {
    const { deployed } = run;
    rows.push(["Function", deployed.changed ? "changed" : "unchanged", deployed.functionArn]);
    rows.push(["HTTP trigger", describeChanges(deployed.triggerChanges ?? []), deployed.url ?? ""]);
    const { rollout } = deployed;
    if (rollout) {
      const verdict = rollout.promoted
        ? "promoted"
        : rollout.rolledBack
          ? "not promoted: failed the smoke test"
          : "not promoted";
      const before = rollout.previousVersion ? `, before: version ${rollout.previousVersion}` : "";
      rows.push(["Rollout", `version ${rollout.version} ${verdict}`, `alias${before}`]);
    }
  }
  if (run.token)
    rows.push(["Token", `Entra access token for ${run.token.claims.audience}`, run.token.claims.issuer]);
  for (const check of run.smoke?.results ?? []) {
    rows.push([
      `Check: ${check.check}`,
      `${check.answered} (expected ${check.expected})`,
      check.passed ? "✅" : "❌",
    ]);
  }
  const verdict = run.smoke ? (run.smoke.passed ? ": live and guarded" : ": smoke test FAILED") : "";
  await writeTableSummary(`fngate fc-pipeline${verdict}`, ["Stage", "Result", "Detail"], rows);
  if (run.timings.length > 0) {
    await writeTableSummary(
      "fngate fc-pipeline: timeline",
      TIMELINE_HEADER,
      stageTimeline(run.timings, "an earlier stage"),
    );
  }
}

function describeChanges(changes: readonly string[]): string {
  if (changes.length === 0) return "unchanged";
  return changes[0] === "created" ? "created" : `updated: ${changes.join(", ")}`;
}
