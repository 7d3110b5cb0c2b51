import type { PublicJwks } from "../alibaba/http-trigger.ts";
import { UserError } from "../errors.ts";
import type { InputReader } from "./reader.ts";

// A JWT trigger checks a token's signature against its JWKS and its validity period, nothing more: no
// issuer, no audience
// (https://www.alibabacloud.com/help/en/functioncompute/fc/configure-jwt-authentication-for-an-http-trigger).
// Microsoft Entra signs every tenant's tokens, for every app, with the same keys, so a trigger holding
// Entra's JWKS lets in any Entra token at all. Only the function can check aud and iss/tid, from the
// claims the trigger forwards to it (ClaimPassBy).

/** Where the claims go unless http-trigger-claim-pass-by says otherwise: one header per claim. */
export const DEFAULT_CLAIM_PASS_BY = "header:aud:x-jwt-aud,header:iss:x-jwt-iss,header:tid:x-jwt-tid";

// As the SDK's HTTPTriggerConfig model shows it ("query:uid:uid,header:name:name"): where the claim goes,
// the claim, and the name the function reads it under.
const CLAIM_PASS_BY = /^(header|query):[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]{1,64}$/;

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

export interface TriggerClaims {
  /** ClaimPassBy: which claims FC forwards to the function, and how. */
  claimPassBy?: string;
  /** The user says the function checks aud and iss/tid itself. */
  functionChecksClaims: boolean;
}

/** function-checks-claims and http-trigger-claim-pass-by for a jwt trigger. */
export function readTriggerClaims(read: InputReader, trustsEntra: boolean): TriggerClaims {
  const functionChecksClaims = read.boolean("function-checks-claims", false);
  const given = read.optional("http-trigger-claim-pass-by");
  const claimPassBy = read.field("http-trigger-claim-pass-by", () => {
    if (given === undefined) return functionChecksClaims ? DEFAULT_CLAIM_PASS_BY : undefined;
    const entries = given.split(",").map((entry) => entry.trim());
    const bad = entries.find((entry) => !CLAIM_PASS_BY.test(entry));
    if (bad !== undefined)
      throw new UserError(
        `http-trigger-claim-pass-by must be comma-separated <header|query>:<claim>:<name>, such as ${DEFAULT_CLAIM_PASS_BY}; got ${JSON.stringify(bad.slice(0, 60))}.`,
      );
    const claims = new Set(entries.map((entry) => entry.split(":")[1]));
    if (functionChecksClaims && !(claims.has("aud") && (claims.has("tid") || claims.has("iss"))))
      throw new UserError(
        "http-trigger-claim-pass-by must forward aud and tid (or iss) for the function to check them, as function-checks-claims says it does: add header:aud:x-jwt-aud,header:tid:x-jwt-tid.",
      );
    return entries.join(",");
  });
  if (trustsEntra) checkEntraClaims(read, functionChecksClaims);
  return { ...(claimPassBy ? { claimPassBy } : {}), functionChecksClaims };
}

/** Refuses a trigger that lets in any Entra token unless the function checks the claims itself. */
export function checkEntraClaims(read: InputReader, functionChecksClaims: boolean): void {
  read.field("function-checks-claims", () => {
    if (!functionChecksClaims) throw new UserError(ENTRA_KEYS_REFUSAL);
  });
}

/** function-checks-claims: true where there is no jwt trigger to check claims for: refused, saying why. */
export function refuseClaimsCheckWithout(read: InputReader, appliesTo: string): void {
  read.field("function-checks-claims", () => {
    if (read.boolean("function-checks-claims", false))
      throw new UserError(`function-checks-claims applies to ${appliesTo}.`);
  });
}
