/**
 * One preflight check as a person reads it: ok, missing, or cannot tell (with why), and for every
 * miss the exact fix. A miss that would surely fail the deploy `blocks` it: the pipeline stops before
 * any change. Everything else is a warning.
 */
export type CheckStatus = "ok" | "missing" | "cannot tell";

export interface CheckRow {
  /** What was checked, e.g. "gateway → functions policy". */
  check: string;
  status: CheckStatus;
  /** What was found, or why it cannot be told. */
  detail: string;
  /** For a miss or an unknown: the policy statement, command or console path that fixes it. */
  fix?: string;
  /** Set on a miss that would surely fail the deploy. */
  blocks: boolean;
}

export function ok(check: string, detail: string): CheckRow {
  return { check, status: "ok", detail, blocks: false };
}

/** A miss the deploy survives (a warning), or, with `blocks`, one it would not. */
export function missing(check: string, detail: string, fix: string, blocks: boolean): CheckRow {
  return { check, status: "missing", detail, fix, blocks };
}

export function cannotTell(check: string, detail: string, fix?: string): CheckRow {
  return { check, status: "cannot tell", detail, ...(fix ? { fix } : {}), blocks: false };
}
