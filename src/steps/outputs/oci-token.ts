import type { OciTokenResult } from "../oci-token.ts";

/**
 * oci-token's outputs but the token, by the names in actions/oci-token/action.yml: the action adds
 * `access-token` (masked), the CLI `access-token-file` (it never prints a token).
 */
export function ociTokenOutputs(result: OciTokenResult): Record<string, string> {
  return {
    "expires-in": String(result.expiresInSeconds),
    "expires-on": result.expiresOn.toISOString(),
    "token-type": result.tokenType,
    scope: result.scopes.join(" "),
    ...(result.claims.issuer ? { issuer: result.claims.issuer } : {}),
    ...(result.claims.audience ? { audience: result.claims.audience } : {}),
  };
}
