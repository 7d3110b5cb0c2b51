import { decodeJwt, type JWTPayload } from "jose";
import { UserError } from "../errors.ts";

/**
 * The expired-token check sends a token the issuer really signed and that has expired (the smoke test
 * cannot sign one itself): an earlier run's access token kept as a secret. A refusal proves the
 * verifier reads `exp`, but only if nothing else about the token is wrong and it expired longer ago
 * than any verifier's clock-skew allowance, so both are checked before it is sent.
 */

/**
 * Five minutes: the largest allowance in common use (Microsoft.IdentityModel's default ClockSkew);
 * OCI API Gateway allows at most 120 s (maxClockSkewInSeconds).
 */
export const EXPIRY_MARGIN_SECONDS = 300;

/** The claims of a compact JWT with a numeric exp, or a UserError naming `inputName`. */
export function readExpiredToken(value: string, inputName = "expired-token"): JWTPayload {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(value);
  } catch {
    throw new UserError(
      `${inputName} is not a JWT: pass an access token for this API that its issuer signed and that has expired (e.g. one kept from an earlier run).`,
    );
  }
  if (typeof claims.exp !== "number") {
    throw new UserError(`${inputName} has no exp claim: a token that never expires proves nothing here.`);
  }
  return claims;
}

/** Refuses an expired-token that a correct verifier might still accept, or that differs in more than exp. */
export function checkExpiredToken(expired: string, token: string | undefined, now: Date): void {
  const claims = readExpiredToken(expired);
  const exp = claims.exp ?? 0;
  const age = Math.floor(now.getTime() / 1000) - exp;
  const when = new Date(exp * 1000).toISOString();
  if (age <= 0) {
    throw new UserError(
      `expired-token has not expired (exp ${when}): pass a token of this API that has expired, e.g. an access token kept from an earlier run.`,
    );
  }
  if (age < EXPIRY_MARGIN_SECONDS) {
    throw new UserError(
      `expired-token expired only ${age} s ago (exp ${when}): a verifier may still accept it within its clock-skew allowance; use one that expired more than ${EXPIRY_MARGIN_SECONDS} s ago.`,
    );
  }
  if (token === undefined) return;
  let current: JWTPayload;
  try {
    current = decodeJwt(token);
  } catch {
    return;
  }
  for (const claim of ["iss", "aud"] as const) {
    if (JSON.stringify(current[claim]) !== JSON.stringify(claims[claim])) {
      throw new UserError(
        `expired-token has another ${claim} than token (${JSON.stringify(claims[claim])}): a refusal would not show that expiry is checked; use an expired token of the same issuer and API.`,
      );
    }
  }
}
