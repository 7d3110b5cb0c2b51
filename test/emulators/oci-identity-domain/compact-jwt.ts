// RS256 compact JWS with node:crypto alone. The OCI emulator checks request signatures synchronously
// (key-id resolvers are plain functions), so session tokens must be minted and verified without
// jose's async API.
import { type KeyObject, sign, verify } from "node:crypto";

export function signRs256(claims: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  const header = encode({ alg: "RS256", typ: "JWT", kid });
  const payload = encode(claims);
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), privateKey);
  return `${header}.${payload}.${signature.toString("base64url")}`;
}

export type Verified = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/** Checks structure, algorithm and signature; what the claims must say is the caller's business. */
export function verifyRs256(token: string, publicKey: KeyObject): Verified {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "not a compact JWS" };
  const [header = "", payload = "", signature = ""] = parts;
  const decodedHeader = decode(header);
  if (decodedHeader?.alg !== "RS256") return { ok: false, reason: "alg is not RS256" };
  if (
    !verify("sha256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"))
  ) {
    return { ok: false, reason: "signature does not verify" };
  }
  const claims = decode(payload);
  return claims ? { ok: true, claims } : { ok: false, reason: "payload is not JSON" };
}

/** Claims read without any check: only to route a token to the key that must verify it. */
export function peekClaims(token: string): Record<string, unknown> | undefined {
  return decode(token.split(".")[1] ?? "");
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decode(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
