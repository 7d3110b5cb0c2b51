// The gateway's authentication and route authorization, enforced with `jose` exactly as the
// deployment's policy says: the token comes from tokenHeader (after the tokenAuthScheme) or from
// tokenQueryParam; its signature is checked against the remote JWKS; issuers, audiences, exp/nbf
// (with maxClockSkewInSeconds) and verifyClaims must hold. Route authorization: ANONYMOUS lets a
// request without a token through (only where isAnonymousAccessAllowed), AUTHENTICATION_ONLY
// needs a valid token, ANY_OF also needs one of allowedScope in the token's `scope` claim.
//
// ANY_OF reads `scope` only, as OCI documents ("a user whose scope includes any of these access
// ranges"). Entra puts delegated scopes in `scp` and app roles in `roles`, so an Entra token does
// not satisfy ANY_OF here, nor on OCI: a deployment for Entra tokens uses AUTHENTICATION_ONLY
// with audience/issuer checks, or verifyClaims on `roles`.
import type { IncomingHttpHeaders } from "node:http";
import { type JWTPayload, type JWTVerifyOptions, jwtVerify } from "jose";
import type { AuthPolicy, ClaimCheck, RouteAuthorization } from "../oci/apigateway-auth-spec.ts";
import type { JwksCache } from "./jwks-cache.ts";

export type AuthOutcome =
  | { ok: true; claims: JWTPayload | undefined }
  | { ok: false; status: 401 | 403; reason: string; invalidToken: boolean };

// What OCI accepts for JWT signatures; "none" and HMAC (a shared secret in a JWKS) never verify.
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

export interface AuthRequest {
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  now: Date;
}

export async function authenticate(
  policy: AuthPolicy,
  authorization: RouteAuthorization,
  request: AuthRequest,
  jwks: JwksCache,
): Promise<AuthOutcome> {
  const token = tokenOf(policy, request);
  if (token === undefined) {
    if (authorization.type === "ANONYMOUS") return { ok: true, claims: undefined };
    return { ok: false, status: 401, reason: "no token in the request", invalidToken: false };
  }
  let claims: JWTPayload;
  try {
    const options: JWTVerifyOptions = {
      algorithms: ALGORITHMS,
      clockTolerance: policy.maxClockSkewInSeconds,
      currentDate: request.now,
      requiredClaims: ["exp"],
    };
    if (policy.issuers.length > 0) options.issuer = policy.issuers;
    if (policy.audiences.length > 0) options.audience = policy.audiences;
    ({ payload: claims } = await jwtVerify(
      token,
      jwks.get(policy.jwksUri, policy.maxCacheDurationInHours),
      options,
    ));
  } catch (error) {
    const code = (error as { code?: string }).code ?? "ERR_UNKNOWN";
    return { ok: false, status: 401, reason: `${code}: ${(error as Error).message}`, invalidToken: true };
  }
  for (const check of policy.verifyClaims) {
    const failure = claimFailure(check, claims);
    if (failure) return { ok: false, status: 401, reason: failure, invalidToken: true };
  }
  if (authorization.type === "ANY_OF") {
    const scopes = scopesOf(claims.scope);
    if (!authorization.allowedScope.some((scope) => scopes.includes(scope))) {
      return {
        ok: false,
        status: 403,
        reason: `scope ${JSON.stringify(scopes)} has none of ${authorization.allowedScope.join(", ")}`,
        invalidToken: false,
      };
    }
  }
  return { ok: true, claims };
}

/** The raw token, or undefined when the request carries none the policy would read. */
function tokenOf(policy: AuthPolicy, request: AuthRequest): string | undefined {
  if (policy.tokenQueryParam !== undefined) {
    return request.query.get(policy.tokenQueryParam) || undefined;
  }
  const raw = request.headers[(policy.tokenHeader ?? "authorization").toLowerCase()];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  if (policy.tokenAuthScheme === undefined) return value;
  const match = /^(\S+)\s+(\S+)$/.exec(value);
  if (!match || match[1]?.toLowerCase() !== policy.tokenAuthScheme.toLowerCase()) return undefined;
  return match[2];
}

/**
 * One verifyClaims entry, as OCI documents JsonWebTokenClaim: "If set to false, the claim values will
 * be matched only if the claim is present in the JWT"; "If [values] is null or empty and isRequired set
 * to true, then the presence of this claim in the JWT is validated"; otherwise the claim must have one
 * of "the list of acceptable values for a given claim"
 * (https://docs.oracle.com/en-us/iaas/tools/typescript/2.0.0/modules/_apigateway_lib_model_json_web_token_claim_.jsonwebtokenclaim.html,
 * https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-usinjson.htm).
 * The docs give no rule for a multi-valued claim; a JSON array (Entra's `roles`, `groups`) is read as
 * the set of the token's values and passes when one of them is acceptable, as ANY_OF reads `scope`.
 * Values are compared as strings, case-sensitively; a claim holding an object never matches.
 */
function claimFailure(check: ClaimCheck, claims: JWTPayload): string | undefined {
  const value = claims[check.key];
  if (value === undefined) return check.isRequired ? `required claim ${check.key} is missing` : undefined;
  if (!check.values || check.values.length === 0) return undefined;
  const present = (Array.isArray(value) ? value : [value])
    .filter((entry) => typeof entry !== "object" || entry === null)
    .map(String);
  if (present.some((entry) => check.values?.includes(entry))) return undefined;
  return `claim ${check.key} is none of ${check.values.join(", ")}`;
}

function scopesOf(value: unknown): string[] {
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((entry): entry is string => typeof entry === "string");
  return [];
}
