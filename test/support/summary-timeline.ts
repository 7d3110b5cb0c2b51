// The job summary's timeline table, which every pipeline (the root action, Cloud Run's, Function
// Compute's) writes the same way: one row per stage with its start and end in seconds from the first
// stage's start, and what it waited for.
import assert from "node:assert/strict";

export interface TimelineRow {
  start: number;
  end: number;
  waited: string;
}

/** The timeline's rows by stage name (the table after the word "timeline" in the summary). */
export function summaryTimeline(summary: string): Map<string, TimelineRow> {
  const table = summary.slice(summary.indexOf("timeline"));
  const rows = new Map<string, TimelineRow>();
  for (const [, stage, start, end, waited] of table.matchAll(
    /<tr><td>([a-z-]+)<\/td><td>([\d.]+) s<\/td><td>([\d.]+) s<\/td><td>([^<]*)<\/td><\/tr>/g,
  )) {
    rows.set(stage ?? "", { start: Number(start), end: Number(end), waited: waited ?? "" });
  }
  return rows;
}

/** Each named stage's row, failing with the summary when one is missing. */
export function timelineRowsOf(summary: string, stages: string[]): TimelineRow[] {
  const rows = summaryTimeline(summary);
  return stages.map((stage) => {
    const row = rows.get(stage);
    assert.ok(row, `${stage} in the timeline: ${summary}`);
    return row;
  });
}
