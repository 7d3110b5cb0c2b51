import type { PipelineResult } from "../../steps/pipeline.ts";
import { stageTimeline, TIMELINE_HEADER } from "../../steps/stage-timeline.ts";
import { writeTableSummary } from "../settings-summary.ts";

/** One table for the whole run: what was deployed where, and every smoke check. Never a secret. */
export async function writePipelineSummary(run: PipelineResult): Promise<void> {
  const rows: string[][] = [];
  if (run.deployed)
    rows.push(["Function", `${run.deployed.functionName} (${run.deployed.action})`, run.deployed.image]);
  if (run.gateway)
    rows.push(["API", `${run.gateway.deploymentName} (${run.gateway.action})`, run.gateway.url]);
  if (run.token)
    rows.push(["Token", `Entra v${run.token.claims.version}`, `aud ${run.token.claims.audience}`]);
  for (const check of run.smoke?.results ?? []) {
    rows.push([
      `Check: ${check.check}`,
      `${check.answered} (expected ${check.expected})`,
      check.passed ? "✅" : "❌",
    ]);
  }
  await writeTableSummary(
    `fngate pipeline${run.smoke ? (run.smoke.passed ? ": live and guarded" : ": smoke test FAILED") : ""}`,
    ["Stage", "Result", "Detail"],
    rows,
  );
  if (run.timings.length > 0)
    await writeTableSummary("fngate pipeline: timeline", TIMELINE_HEADER, stageTimeline(run.timings));
}
