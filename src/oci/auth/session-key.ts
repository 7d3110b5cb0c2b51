import { generateKeyPairSync } from "node:crypto";
import { fingerprintOf } from "./fingerprint.ts";

/** A key pair made for one session: its public half is bound into the session token, its private half signs. */
export interface SessionKey {
  /** PKCS#8 PEM, written 0600 as the profile's key_file. */
  privatePem: string;
  /** Base64 of the DER SubjectPublicKeyInfo: the form the token exchange's public_key takes. */
  publicKeyBase64: string;
  fingerprint: string;
}

/**
 * A fresh RSA key that never leaves the runner: nothing about it is stored anywhere but the job's
 * own HOME, and the session token bound to it expires within the hour.
 */
export function generateSessionKey(): SessionKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ type: "spki", format: "der" });
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyBase64: der.toString("base64"),
    fingerprint: fingerprintOf(der),
  };
}
