import type { JWTPayload } from "jose";
import type { DeployedApi, DeployedClaim } from "../oci/gateway/deployed-api.ts";

/**
 * Why the gateway likely refused a token (401), from its claims against the policy deployed: issuer,
 * audience, expiry (with the policy's clock skew) and each required claim. Claims such as iss, aud and
 * roles are not secrets; the token itself never reaches this module.
 */
export function diagnoseTokenRefusal(
  claims: JWTPayload | "undecodable",
  api: DeployedApi | undefined,
  nowSeconds: number,
): string {
  if (claims === "undecodable") {
    return "the token is not a JWT (it cannot be decoded), and the gateway accepts only JWTs signed by a key of its JWKS.";
  }
  const skew = api?.maxClockSkewInSeconds ?? 0;
  const differences = [timeDifference(claims, nowSeconds, skew)];
  if (!api) {
    const found = differences.filter(Boolean);
    if (found.length > 0) return `the token differs from what the gateway accepts: ${found.join("; ")}.`;
    return `the token has iss ${show(claims.iss)} and aud ${show(claims.aud)}: compare them with the deployment's issuers and audiences (and its required claims).`;
  }
  differences.push(
    issuerDifference(claims, api.issuers),
    audienceDifference(claims, api.audiences),
    ...api.requiredClaims.map((claim) => claimDifference(claims, claim)),
  );
  const found = differences.filter(Boolean);
  if (found.length > 0) return `the token differs from the deployed policy: ${found.join("; ")}.`;
  return `the token's issuer, audience, expiry and required claims match the deployed policy, so its signature is likely what failed: the gateway must fetch its key from the policy's JWKS (the token's kid must be in it).`;
}

function issuerDifference(claims: JWTPayload, issuers: string[]): string {
  if (issuers.length === 0) return "";
  if (claims.iss !== undefined && issuers.includes(claims.iss)) return "";
  return `issuer: the token's iss is ${show(claims.iss)}, the gateway accepts ${list(issuers)}; add it to issuers (for Entra, v1 tokens have https://sts.windows.net/<tenant>/ and v2 https://login.microsoftonline.com/<tenant>/v2.0: accessTokenAcceptedVersion decides) or get a token from an accepted issuer`;
}

function audienceDifference(claims: JWTPayload, audiences: string[]): string {
  if (audiences.length === 0) return "";
  const aud = claims.aud === undefined ? [] : [claims.aud].flat();
  if (aud.some((value) => audiences.includes(value))) return "";
  return `audience: the token's aud is ${show(claims.aud)}, the gateway accepts ${list(audiences)}; request the token for one of them (for Entra, scope <Application ID URI>/.default) or add it to audiences`;
}

/** Why the token is out of its validity window (exp, nbf) at `now`, allowing `skew` seconds, or "". */
export function timeDifference(claims: JWTPayload, now: number, skew: number): string {
  const allowance = skew > 0 ? ` (max clock skew ${skew} s)` : "";
  if (typeof claims.exp === "number" && claims.exp + skew < now) {
    return `expiry: the token expired at ${iso(claims.exp)}${allowance}; get a fresh token just before the smoke test`;
  }
  if (typeof claims.nbf === "number" && claims.nbf - skew > now) {
    return `expiry: the token is not valid before ${iso(claims.nbf)}${allowance}; check the runner's clock or raise max-clock-skew`;
  }
  return "";
}

/** OCI matches a required claim when the token has it and, with values given, one of them (arrays: any element). */
function claimDifference(claims: JWTPayload, claim: DeployedClaim): string {
  const value = claims[claim.key];
  if (value === undefined) {
    if (!claim.isRequired) return "";
    const wanted = claim.values.length > 0 ? ` with one of ${list(claim.values)}` : "";
    return `required claim ${claim.key}: the token has none, the gateway requires it${wanted}; ${grantHint(claim)}`;
  }
  if (claim.values.length === 0) return "";
  const held = (Array.isArray(value) ? value : [value]).map((item) =>
    typeof item === "string" ? item : JSON.stringify(item),
  );
  if (held.some((item) => claim.values.includes(item))) return "";
  return `required claim ${claim.key}: the token has ${show(value)}, the gateway requires one of ${list(claim.values)}; ${grantHint(claim)}`;
}

function grantHint(claim: DeployedClaim): string {
  return claim.key === "roles" || claim.key === "scp"
    ? "grant the client that role or scope (Entra: API permissions, then admin consent) or change required-claims"
    : "issue tokens with that claim or change required-claims";
}

/** A claim's value as JSON, cut at 120 characters ("absent" when the token has none). */
export function show(value: unknown): string {
  if (value === undefined) return "absent";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function list(values: string[]): string {
  return values.map((value) => JSON.stringify(value)).join(", ");
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}
