/**
 * A failure the user can fix: bad input, a missing permission, a key that does not match.
 * Its message is printed as one line, without a stack trace; everything else is a bug and keeps its trace
 * for debug mode.
 */
export class UserError extends Error {
  override readonly name = "UserError";
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** A short, single-line description of any thrown value, safe to show in a log. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\r?\n\s*/g, " ").trim();
}
