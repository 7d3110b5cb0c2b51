import type { EntraTokenResult } from "../entra-token.ts";

/**
 * entra-token's outputs but the token, by the names in actions/entra-token/action.yml: the action adds
 * `access-token` (masked), the CLI `access-token-file` (it never prints a token).
 */
export function entraTokenOutputs(result: EntraTokenResult): Record<string, string> {
  const { claims } = result;
  return {
    "expires-on": result.expiresOn.toISOString(),
    issuer: claims.issuer,
    audience: claims.audience,
    version: claims.version,
    roles: claims.roles.join(","),
    "tenant-id": claims.tenantId,
  };
}
