import { UserError } from "../errors.ts";
import { carriesRunLabel, RUN_LABEL_KEY } from "../run-label.ts";

/**
 * Teardown deletes a resource only while it still carries the run's label, read just before the
 * delete: one relabelled since it was listed is someone else's now, so it is left as it is.
 * `what` names it: "function hello (ocid1.fnfunc…)".
 */
export function requireStillLabelled(
  what: string,
  tags: Record<string, unknown> | null | undefined,
  runLabel: string,
): void {
  if (!carriesRunLabel(tags, runLabel)) {
    throw new UserError(
      `${what} no longer carries ${RUN_LABEL_KEY}=${runLabel}: it was changed while teardown ran, so it is left as it is; run teardown again.`,
    );
  }
}
