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

/** The quoted value of undici's "…: "<value>" is an invalid header value." (or name) messages. */
const QUOTED_HEADER = /"[\s\S]*" (?=is an invalid header (value|name))/g;

/**
 * A short, single-line description of any thrown value, safe to show in a log. Node's fetch quotes a
 * header value it refuses (`Headers.append: "Bearer <token>\n" is an invalid header value.`), so a
 * token or basic credential with a stray newline would reach the log in clear: such a value is withheld.
 */
export function describeError(error: unknown): string {
  const text = messageOf(error).replace(QUOTED_HEADER, "(value withheld) ");
  return text.replace(/\s*\r?\n\s*/g, " ").trim();
}

/** SDKs also throw plain objects ({ code, message }) for network failures. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const parts = [code, message].filter((part) => typeof part === "string" && part !== "");
    if (parts.length > 0) return parts.join(": ");
  }
  return String(error);
}
