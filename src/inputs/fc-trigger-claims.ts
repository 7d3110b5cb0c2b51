import { DEFAULT_CLAIM_PASS_BY, ENTRA_KEYS_REFUSAL } from "../alibaba/trigger-trust.ts";
import { UserError } from "../errors.ts";
import type { InputReader } from "./reader.ts";

// As the SDK's HTTPTriggerConfig model shows it ("query:uid:uid,header:name:name"): where the claim goes,
// the claim, and the name the function reads it under.
const CLAIM_PASS_BY = /^(header|query):[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_-]{1,64}$/;

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
