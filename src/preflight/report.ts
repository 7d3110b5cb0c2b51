import { UserError } from "../errors.ts";
import type { CheckRow } from "./check-row.ts";

const MARK = { ok: "ok     ", missing: "MISSING", "cannot tell": "UNSURE " } as const;

/** The rows as log lines: one per check, the fix on the next line when there is one. */
export function rowLines(rows: readonly CheckRow[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    const mark = row.status === "missing" && row.blocks ? "BLOCKED" : MARK[row.status];
    lines.push(`${mark} ${row.check}: ${row.detail}`);
    if (row.fix) lines.push(`        fix: ${row.fix}`);
  }
  return lines;
}

export function blockingRows(rows: readonly CheckRow[]): CheckRow[] {
  return rows.filter((row) => row.status === "missing" && row.blocks);
}

export function warningRows(rows: readonly CheckRow[]): CheckRow[] {
  return rows.filter((row) => row.status !== "ok" && !row.blocks);
}

/** One line naming every blocking miss: what stops the deploy before it changes anything. */
export function blockedError(rows: readonly CheckRow[]): UserError {
  const blocking = blockingRows(rows);
  const first = blocking[0];
  const rest =
    blocking.length > 1
      ? ` (and ${blocking
          .slice(1)
          .map((row) => row.check)
          .join(", ")})`
      : "";
  return new UserError(
    `preflight: ${blocking.length} check${blocking.length === 1 ? "" : "s"} would fail the deploy, nothing was changed: ${first?.check}: ${first?.detail}${first?.fix ? ` Fix: ${first.fix}` : ""}${rest}`,
  );
}
