/**
 * When MSAL cannot read the tenant's OpenID configuration it says only "endpoints_resolution_error",
 * the same for a typo in tenant-id, a wrong authority-host and a network failure. One plain request to the
 * same document tells them apart, so the error can name the input at fault.
 */
export type AuthorityProbe =
  | { reachable: false; reason: string }
  | { reachable: true; status: number; errorDescription?: string };

export async function probeAuthority(authorityHost: string, tenantId: string): Promise<AuthorityProbe> {
  const url = `https://${authorityHost}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    const body = (await response.json().catch(() => ({}))) as { error_description?: unknown };
    const probe: AuthorityProbe = { reachable: true, status: response.status };
    if (typeof body.error_description === "string") probe.errorDescription = body.error_description;
    return probe;
  } catch (error) {
    return { reachable: false, reason: networkReason(error) };
  }
}

/** fetch hides the socket's error code in `cause`. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown }) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
