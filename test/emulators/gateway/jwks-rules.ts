// What OCI API Gateway accepts from a remote JWKS and in a token's header, enforced on the keys jose
// fetches for the data plane:
// - "regardless of the identity provider, a JWKS can contain at most ten keys": a set with more is
//   refused whole, so every token checked against it is a 401
//   (https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-identityprovider.htm);
// - each key needs kid, kty RSA ("RSA is currently the only supported key type"), n and e; use, when
//   present, must be sig; key_ops, when present, must include verify; alg, when present, one of RS256,
//   RS384, RS512 — a key that breaks a rule is not used
//   (https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-keyparams.htm);
// - the token's signing algorithm must be RS256, RS384 or RS512, its kid must name a key, and the key
//   must be 2048 to 4096 bits
//   (https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-prerequisites.htm).
import { customFetch, type FetchImplementation, type JWSHeaderParameters } from "jose";

export const MAX_JWKS_KEYS = 10;
const ALGORITHMS = new Set(["RS256", "RS384", "RS512"]);

/** Fetches a JWKS and hands jose only the keys OCI would use; a set over the limit is an error. */
export const ociJwksFetch: FetchImplementation = async (url, options) => {
  const response = await fetch(url, options);
  if (response.status !== 200) return response;
  const body = (await response.json()) as { keys?: unknown };
  if (!Array.isArray(body.keys)) return Response.json(body);
  if (body.keys.length > MAX_JWKS_KEYS) {
    throw new Error(`the JWKS at ${url} has ${body.keys.length} keys; OCI accepts at most ${MAX_JWKS_KEYS}`);
  }
  return Response.json({ ...body, keys: body.keys.filter(isUsableKey) });
};

export const jwksFetchOption = { [customFetch]: ociJwksFetch };

function isUsableKey(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const key = value as Record<string, unknown>;
  if (typeof key.kid !== "string" || key.kid === "" || key.kty !== "RSA") return false;
  if (typeof key.n !== "string" || typeof key.e !== "string") return false;
  if (key.use !== undefined && key.use !== "sig") return false;
  if (key.key_ops !== undefined && !(Array.isArray(key.key_ops) && key.key_ops.includes("verify")))
    return false;
  if (key.alg !== undefined && !ALGORITHMS.has(String(key.alg))) return false;
  const bits = Buffer.from(key.n, "base64url").length * 8;
  return bits >= 2048 && bits <= 4096;
}

/** The header rules OCI applies before looking a key up. */
export function checkTokenHeader(header: JWSHeaderParameters): void {
  if (!ALGORITHMS.has(header.alg ?? "")) {
    throw Object.assign(new Error(`alg ${header.alg} is not one of RS256, RS384, RS512`), {
      code: "ERR_JOSE_ALG_NOT_ALLOWED",
    });
  }
  if (!header.kid) {
    throw Object.assign(new Error("the token header has no kid"), { code: "ERR_JWKS_NO_MATCHING_KEY" });
  }
}
