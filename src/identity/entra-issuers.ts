/**
 * How Microsoft Entra ID names itself in the tokens it issues. Shared knowledge, not an Entra client:
 * the Entra token step checks a token against it, and an OCI gateway policy trusting a tenant lists it.
 */

/** The two issuer forms Entra uses for a tenant: v1 tokens and v2 tokens. */
export function entraIssuers(
  tenantId: string,
  authorityHost = "login.microsoftonline.com",
): { v1: string; v2: string } {
  return { v1: `https://sts.windows.net/${tenantId}/`, v2: `https://${authorityHost}/${tenantId}/v2.0` };
}
