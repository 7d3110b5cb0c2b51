import type { PublicJwks } from "./http-trigger.ts";

// A JWT trigger checks a token's signature against its JWKS and its validity period, nothing more: no
// issuer, no audience
// (https://www.alibabacloud.com/help/en/functioncompute/fc/configure-jwt-authentication-for-an-http-trigger).
// Microsoft Entra signs every tenant's tokens, for every app, with the same keys, so a trigger holding
// Entra's JWKS lets in any Entra token at all. Only the function can check aud and iss/tid, from the
// claims the trigger forwards to it (ClaimPassBy).

/** Where the claims go unless http-trigger-claim-pass-by says otherwise: one header per claim. */
export const DEFAULT_CLAIM_PASS_BY = "header:aud:x-jwt-aud,header:iss:x-jwt-iss,header:tid:x-jwt-tid";

export const ENTRA_KEYS_REFUSAL =
  "function-checks-claims: a jwt trigger holding Entra's signing keys lets in ANY Entra token, from any tenant, for any app (Function Compute checks the signature and expiry, not aud or iss): make the function check the aud and tid (or iss) claims the trigger forwards (http-trigger-claim-pass-by, default " +
  `${DEFAULT_CLAIM_PASS_BY}) and set function-checks-claims: true.`;

// Entra's sign-in hosts (public and sovereign clouds); its JWKS paths are /<tenant>/discovery/keys and
// /<tenant>/discovery/v2.0/keys on any of them, and on an authority-host such as an emulator's.
const ENTRA_HOSTS = [
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
  "sts.windows.net",
];
const ENTRA_KEYS_PATH = /\/discovery\/(v2\.0\/)?keys\/?$/;

/** Whether a trigger's keys are Entra's: its JWKS URL, or keys that name an Entra issuer. */
export function trustsEntraKeys(jwksUrl: string | undefined, jwks: PublicJwks | undefined): boolean {
  if (jwksUrl !== undefined) {
    const url = new URL(jwksUrl);
    if (ENTRA_HOSTS.includes(url.hostname) || ENTRA_KEYS_PATH.test(url.pathname)) return true;
  }
  // Entra's v2 tenant keys carry their issuer (https://login.microsoftonline.com/<tenant>/v2.0).
  return (jwks?.keys ?? []).some((key) => {
    const issuer = typeof key.issuer === "string" ? key.issuer : "";
    return ENTRA_HOSTS.some((host) => issuer.startsWith(`https://${host}/`));
  });
}
