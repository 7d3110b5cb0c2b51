import { UserError } from "../../errors.ts";
import { explainVerifyFailure } from "./verify-failure.ts";

/**
 * A session profile's verify failure. A 401 here means the identity domain issued a token OCI does
 * not accept for this tenancy, which no API-key advice would fix.
 */
export function explainSessionVerifyFailure(
  error: unknown,
  session: { tenancy: string; fingerprint: string },
  target: string,
): Error {
  if (typeof error === "object" && error !== null && (error as { statusCode?: unknown }).statusCode === 401) {
    return new UserError(
      `verify: OCI refused the session token from the identity domain (401 NotAuthenticated). Check that the identity domain belongs to tenancy-ocid ${session.tenancy}, that the identity propagation trust impersonates a user of that tenancy, and that the runner's clock is correct. Set verify: false to skip this check.`,
    );
  }
  return explainVerifyFailure(error, { user: "(session user)", fingerprint: session.fingerprint }, target);
}
