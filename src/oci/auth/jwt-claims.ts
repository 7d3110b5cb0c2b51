/**
 * The claims of a JWT read without verifying it: only for what the holder may know about its own
 * token (expiry, subject) to report and check it. Never used to trust anything.
 */
export function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The `exp` claim as a date, when there is one. */
export function expiryOf(token: string): Date | undefined {
  const exp = unverifiedClaims(token)?.exp;
  return typeof exp === "number" ? new Date(exp * 1000) : undefined;
}
