// API signing keys as OCI handles them: RSA public keys (2048 bits or more) uploaded as PEM and
// named by a fingerprint, the MD5 of the DER SubjectPublicKeyInfo in colon-separated hex pairs.
// That fingerprint is the third part of the signature keyId, so it must be computed exactly so.
import { createHash, createPublicKey, type KeyObject } from "node:crypto";

export interface ParsedApiKey {
  publicKey: KeyObject;
  /** Normalised SPKI PEM, as the console shows it back. */
  pem: string;
  fingerprint: string;
}

/** Throws with a clear message when the PEM is not an RSA public key OCI would accept. */
export function parseApiPublicKey(publicKeyPem: string): ParsedApiKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: publicKeyPem, format: "pem" });
  } catch {
    throw new Error("publicKey is not a PEM public key");
  }
  if (publicKey.asymmetricKeyType !== "rsa") {
    throw new Error(`publicKey must be an RSA key, got ${publicKey.asymmetricKeyType ?? "unknown"}`);
  }
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new Error(`publicKey must have at least 2048 bits, got ${bits}`);
  const der = publicKey.export({ type: "spki", format: "der" });
  return {
    publicKey,
    pem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    fingerprint: fingerprintOf(der),
  };
}

export function fingerprintOf(spkiDer: Buffer): string {
  const hex = createHash("md5").update(spkiDer).digest("hex");
  return hex.match(/../g)?.join(":") ?? hex;
}
