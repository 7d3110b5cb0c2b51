import { decodeJwt, decodeProtectedHeader } from "jose";
import { UserError } from "../errors.ts";

/**
 * The non-secret facts about an Entra access token that a gateway checks: who issued it, for whom, which
 * token version, and the app roles it carries. Read without verifying: the gateway verifies; this is for
 * outputs and for explaining a mismatch before the smoke test does.
 */
export interface TokenClaims {
  issuer: string;
  audience: string;
  /** "1.0" or "2.0". */
  version: string;
  tenantId: string;
  /** appid (v1) or azp (v2): the client the token was issued to. */
  clientId: string;
  roles: string[];
  expiresOn: Date;
  keyId: string;
}

export function readTokenClaims(token: string): TokenClaims {
  let claims: ReturnType<typeof decodeJwt>;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    claims = decodeJwt(token);
    header = decodeProtectedHeader(token);
  } catch {
    throw new UserError("the token endpoint returned something that is not a JWT access token.");
  }
  const audience = Array.isArray(claims.aud) ? (claims.aud[0] ?? "") : (claims.aud ?? "");
  const text = (name: string) => (typeof claims[name] === "string" ? (claims[name] as string) : "");
  return {
    issuer: claims.iss ?? "",
    audience,
    version: text("ver"),
    tenantId: text("tid"),
    clientId: text("appid") || text("azp"),
    roles: Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === "string") : [],
    expiresOn: new Date((claims.exp ?? 0) * 1000),
    keyId: header.kid ?? "",
  };
}
