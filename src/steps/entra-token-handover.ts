import type { EntraTokenInputs, EntraTokenResult } from "./entra-token.ts";

/**
 * A token preflight requested for the entra-token stage's own inputs, handed to that stage so it does
 * not ask Entra a second time. Kept in memory only: never logged, never in an output or a file.
 */
export interface IssuedToken {
  /** What it was requested with (the request's inputs, expectations aside). */
  request: EntraTokenInputs;
  token: EntraTokenResult;
}

/**
 * What a reused token must still have left: MSAL itself renews a cached token 5 minutes before it
 * expires (msal-common's DEFAULT_TOKEN_RENEWAL_OFFSET_SEC, 300), so a token that close is fetched anew.
 */
export const REUSE_MARGIN_MS = 5 * 60_000;

/**
 * The issued token when it answers exactly this request (same tenant, client, credential, scope and
 * authority) and is not about to expire; otherwise undefined, and the stage asks Entra itself.
 * Expectations are not part of the request: the stage checks them against the token either way.
 */
export function reusableToken(
  issued: IssuedToken | undefined,
  inputs: EntraTokenInputs,
  now: Date,
): EntraTokenResult | undefined {
  if (!issued || !sameRequest(issued.request, inputs)) return undefined;
  if (issued.token.expiresOn.getTime() - now.getTime() <= REUSE_MARGIN_MS) return undefined;
  return issued.token;
}

/** Every field that shapes the token Entra issues, compared as given. */
const REQUEST_FIELDS = [
  "tenantId",
  "clientId",
  "scope",
  "authorityHost",
  "clientSecret",
  "clientCertificate",
  "clientCertificateKey",
  "federated",
  "federatedAudience",
] as const satisfies readonly (keyof EntraTokenInputs)[];

function sameRequest(a: EntraTokenInputs, b: EntraTokenInputs): boolean {
  return REQUEST_FIELDS.every((field) => a[field] === b[field]);
}
