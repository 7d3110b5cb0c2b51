import type { StageTiming } from "../steps/pipeline.ts";
import type { CheckResult } from "../steps/smoke-verdict.ts";
import { stageTimeline, TIMELINE_HEADER } from "../steps/stage-timeline.ts";
import { writeTableSummary } from "./settings-summary.ts";

/** What every pipeline's summary reads from its run: the smoke checks and the stages' times. */
export interface SummarizedRun {
  smoke?: { passed: boolean; results: readonly CheckResult[] };
  timings: readonly StageTiming[];
}

/**
 * A pipeline's job summary: one table of what it deployed (`rows`) and every smoke check, titled with
 * the verdict, then the timeline. Never a secret: rows hold names, URLs and statuses only.
 */
export async function writeRunSummary(
  name: string,
  rows: readonly string[][],
  run: SummarizedRun,
  waitedForByDefault?: string,
): Promise<void> {
  const checks = (run.smoke?.results ?? []).map((check) => [
    `Check: ${check.check}`,
    `${check.answered} (expected ${check.expected})`,
    check.passed ? "✅" : "❌",
  ]);
  const verdict = run.smoke ? (run.smoke.passed ? ": live and guarded" : ": smoke test FAILED") : "";
  await writeTableSummary(`fngate ${name}${verdict}`, ["Stage", "Result", "Detail"], [...rows, ...checks]);
  if (run.timings.length > 0) {
    await writeTableSummary(
      `fngate ${name}: timeline`,
      TIMELINE_HEADER,
      stageTimeline(run.timings, waitedForByDefault),
    );
  }
}
