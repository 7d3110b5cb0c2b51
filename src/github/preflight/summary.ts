import * as core from "@actions/core";
import type { CheckRow } from "../../preflight/check-row.ts";
import { escapeHtml } from "../settings-summary.ts";

const ICON = { ok: "✅ ok", missing: "❌ missing", "cannot tell": "⚠️ cannot tell" } as const;

/** The checks as a job summary table: each row, and for a miss its fix. Rows never hold a secret. */
export async function writePreflightSummary(
  rows: readonly CheckRow[],
  heading = "fngate preflight",
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const blocked = rows.some((row) => row.status === "missing" && row.blocks);
  await core.summary
    .addHeading(`${heading}${blocked ? ": would fail the deploy" : ""}`, 3)
    .addTable([
      ["Check", "Result", "Detail", "Fix"].map((data) => ({ data, header: true })),
      ...rows.map((row) => [
        escapeHtml(row.check),
        row.status === "missing" && !row.blocks ? "⚠️ missing (warning)" : ICON[row.status],
        escapeHtml(row.detail),
        row.fix ? `<code>${escapeHtml(row.fix)}</code>` : "",
      ]),
    ])
    .write();
}
