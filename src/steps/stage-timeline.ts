import type { StageTiming } from "./pipeline.ts";

/**
 * Each stage's start and end as seconds from the first stage's start, and what it waited for: rows for
 * the job summary and lines for the CLI, so a slow run shows where its time went and what overlapped.
 */
export function stageTimeline(
  timings: readonly StageTiming[],
  /** What a wait was for when its stage did not say (the OCI pipeline's gateway waits for the function). */
  waitedForByDefault = "the function's OCID",
): string[][] {
  const first = Math.min(...timings.map((timing) => timing.startedAt.getTime()));
  const at = (date: Date) => `${((date.getTime() - first) / 1000).toFixed(1)} s`;
  return [...timings]
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
    .map((timing) => [
      timing.stage,
      at(timing.startedAt),
      at(timing.endedAt),
      timing.waitedMs > 0
        ? `${(timing.waitedMs / 1000).toFixed(1)} s for ${timing.waitedFor ?? waitedForByDefault}`
        : "-",
    ]);
}

export const TIMELINE_HEADER = ["Stage", "Started", "Ended", "Waited"] as const;
