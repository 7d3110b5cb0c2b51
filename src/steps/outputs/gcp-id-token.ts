import type { GcpAccessTokenResult, GcpIdTokenResult } from "../gcp-id-token.ts";

/**
 * gcp-id-token's outputs but the token, by the names in actions/gcp-id-token/action.yml: the action adds
 * `id-token` or `access-token` (masked), the CLI `id-token-file` or `access-token-file`.
 */
export function gcpIdTokenOutputs(result: GcpIdTokenResult): Record<string, string> {
  const { claims } = result;
  return {
    issuer: claims.issuer,
    audience: claims.audience,
    email: claims.email,
    subject: claims.subject,
    "expires-on": claims.expiresOn.toISOString(),
  };
}

export function gcpAccessTokenOutputs(result: GcpAccessTokenResult): Record<string, string> {
  return {
    email: result.email,
    ...(result.expiresOn ? { "expires-on": result.expiresOn.toISOString() } : {}),
  };
}
