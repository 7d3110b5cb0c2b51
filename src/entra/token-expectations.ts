import { UserError } from "../errors.ts";
import type { TokenClaims } from "./token-claims.ts";

/**
 * Compares a token with what the gateway will demand, so the classic v1/v2 trap fails here with the fix
 * instead of as a bare 401 from the gateway later.
 */
export interface TokenExpectations {
  issuers?: string[];
  audiences?: string[];
}

export function checkTokenExpectations(claims: TokenClaims, expected: TokenExpectations): void {
  const issuers = expected.issuers ?? [];
  if (issuers.length > 0 && !issuers.includes(claims.issuer)) {
    const wanted = issuers.join(" or ");
    const tokenForm =
      claims.version === "1.0" ? "v1" : claims.version === "2.0" ? "v2" : `version ${claims.version}`;
    const fix =
      claims.version === "1.0"
        ? `set accessTokenAcceptedVersion=2 in the API app registration's manifest, or add ${claims.issuer} to the expected issuers`
        : claims.version === "2.0"
          ? `set accessTokenAcceptedVersion=1 (or null) in the API app registration's manifest, or add ${claims.issuer} to the expected issuers`
          : `add ${claims.issuer} to the expected issuers`;
    throw new UserError(
      `the token is ${tokenForm} with issuer ${claims.issuer}, but ${wanted} is expected: ${fix}.`,
    );
  }
  const audiences = expected.audiences ?? [];
  if (audiences.length > 0 && !audiences.includes(claims.audience)) {
    const hint =
      claims.version === "2.0"
        ? " (v2 tokens carry the API app's client id as audience; v1 tokens carry its Application ID URI)"
        : claims.version === "1.0"
          ? " (v1 tokens carry the API app's Application ID URI, e.g. api://my-api, as audience; v2 tokens its client id)"
          : "";
    throw new UserError(
      `the token's audience is ${claims.audience}, but ${audiences.join(" or ")} is expected${hint}: check scope and the expected audiences.`,
    );
  }
}
