/**
 * What OCI API Gateway accepts in a remote JWKS, as Oracle documents it:
 * - "regardless of the identity provider, a JWKS can contain at most ten keys"
 *   (https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-identityprovider.htm);
 * - each key needs kid, kty RSA ("RSA is currently the only supported key type"), n and e; use, when
 *   present, must be sig; key_ops, when present, must include verify; alg, when present, RS256, RS384
 *   or RS512 (https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-keyparams.htm);
 * - the key must be 2048 to 4096 bits
 *   (https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-prerequisites.htm).
 */
export const MAX_JWKS_KEYS = 10;
const ALGORITHMS = ["RS256", "RS384", "RS512"];

export interface JwksVerdict {
  keyCount: number;
  /** kids of the keys a gateway can verify with. */
  usable: string[];
  /** Keys the gateway cannot use, and why. */
  ignored: { kid: string; why: string }[];
  /** Set when the set as a whole is unusable. */
  fatal?: string;
}

export function judgeJwks(document: unknown): JwksVerdict {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    return { keyCount: 0, usable: [], ignored: [], fatal: "it is not a JWKS (no keys list)" };
  }
  const usable: string[] = [];
  const ignored: { kid: string; why: string }[] = [];
  for (const [index, key] of keys.entries()) {
    const why = keyProblem(key);
    const kid = typeof key?.kid === "string" && key.kid !== "" ? key.kid : `key #${index + 1}`;
    if (why) ignored.push({ kid, why });
    else usable.push(kid);
  }
  const verdict: JwksVerdict = { keyCount: keys.length, usable, ignored };
  if (keys.length > MAX_JWKS_KEYS) {
    verdict.fatal = `it has ${keys.length} keys; OCI accepts at most ${MAX_JWKS_KEYS}`;
  } else if (usable.length === 0) {
    verdict.fatal = "none of its keys is one OCI can verify with (RSA, 2048-4096 bits, kid, use sig)";
  }
  return verdict;
}

function keyProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "not a JSON object";
  const key = value as Record<string, unknown>;
  if (typeof key.kid !== "string" || key.kid === "") return "no kid";
  if (key.kty !== "RSA") return `kty ${String(key.kty)}: only RSA keys are supported`;
  if (typeof key.n !== "string" || typeof key.e !== "string") return "no n and e";
  if (key.use !== undefined && key.use !== "sig") return `use ${String(key.use)}, not sig`;
  if (key.key_ops !== undefined && !(Array.isArray(key.key_ops) && key.key_ops.includes("verify"))) {
    return "key_ops without verify";
  }
  if (key.alg !== undefined && !ALGORITHMS.includes(String(key.alg))) {
    return `alg ${String(key.alg)}, not one of ${ALGORITHMS.join(", ")}`;
  }
  const bits = Buffer.from(key.n, "base64url").length * 8;
  if (bits < 2048 || bits > 4096) return `${bits}-bit key, outside 2048-4096`;
  return undefined;
}
