import type { CloudRunPipelineResult } from "../../steps/cloud-run-pipeline.ts";
import { stageTimeline, TIMELINE_HEADER } from "../../steps/stage-timeline.ts";
import { writeTableSummary } from "../settings-summary.ts";

/** One table for the whole run (the service, the token's audience and caller, every check), and the timeline. */
export async function writeCloudRunPipelineSummary(run: CloudRunPipelineResult): Promise<void> {
  const rows: string[][] = [];
  if (run.deployed) {
    const { deployed } = run;
    rows.push([
      "Service",
      `${deployed.revision} (${deployed.changed ? "changed" : "unchanged"})`,
      deployed.url,
    ]);
  }
  if (run.token)
    rows.push(["Token", `Google ID token for ${run.token.claims.audience}`, run.token.claims.email]);
  for (const check of run.smoke?.results ?? []) {
    rows.push([
      `Check: ${check.check}`,
      `${check.answered} (expected ${check.expected})`,
      check.passed ? "✅" : "❌",
    ]);
  }
  const verdict = run.smoke ? (run.smoke.passed ? ": live and guarded" : ": smoke test FAILED") : "";
  await writeTableSummary(`fngate cloud-run-pipeline${verdict}`, ["Stage", "Result", "Detail"], rows);
  if (run.timings.length > 0) {
    await writeTableSummary(
      "fngate cloud-run-pipeline: timeline",
      TIMELINE_HEADER,
      stageTimeline(run.timings, "an earlier stage"),
    );
  }
}
