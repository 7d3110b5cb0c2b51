import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";

/** A fresh RSA API key for a test (never committed): PEM forms and the OCI fingerprint. */
export interface TestKey {
  privateKey: KeyObject;
  pkcs8: string;
  pkcs1: string;
  publicPem: string;
  fingerprint: string;
}

export function generateTestKey(modulusLength = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
  const der = publicKey.export({ type: "spki", format: "der" });
  const hex = createHash("md5").update(der).digest("hex");
  return {
    privateKey,
    pkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    pkcs1: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    fingerprint: hex.match(/../g)?.join(":") ?? hex,
  };
}

export function encryptedPkcs8(key: TestKey, passphrase: string): string {
  return key.privateKey
    .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase })
    .toString();
}

/** The traditional OpenSSL form (Proc-Type/DEK-Info headers) that `openssl genrsa -aes128` used to write. */
export function encryptedPkcs1(key: TestKey, passphrase: string): string {
  return key.privateKey
    .export({ type: "pkcs1", format: "pem", cipher: "aes-128-cbc", passphrase })
    .toString();
}

/** Every form people paste into a CI secret, each of which must be repaired to the same key. */
export function pastedVariants(key: TestKey): Record<string, string> {
  const oneLine = (pem: string, joiner: string) => pem.trim().split("\n").join(joiner);
  return {
    "PKCS#8": key.pkcs8,
    "PKCS#1": key.pkcs1,
    "literal \\n escapes": oneLine(key.pkcs8, "\\n"),
    "double-escaped \\\\n": oneLine(key.pkcs1, "\\\\n"),
    CRLF: key.pkcs8.replace(/\n/g, "\r\n"),
    "quotes and blanks": `  "${key.pkcs8}"\n\n`,
    "single-quoted with escapes": `'${oneLine(key.pkcs8, "\\n")}'`,
    "body folded onto one line with spaces": oneLine(key.pkcs8, " "),
    "body folded onto one line without separators": oneLine(key.pkcs1, ""),
    "console download with trailing OCI_API_KEY": `${key.pkcs8}OCI_API_KEY\n`,
    "base64-encoded PEM": Buffer.from(key.pkcs8).toString("base64"),
    "indented lines": key.pkcs8
      .split("\n")
      .map((line) => `    ${line}`)
      .join("\n"),
  };
}

/** PEM armor around `body` (not a key: a label and lines, for tests that need PEM-shaped text). */
export function pemArmor(label: string, body: string): string {
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** A Google service account key file for `email`, which Google never issued: for checks made before any call. */
export function serviceAccountKeyJson(email: string): string {
  const key = { type: "service_account", client_email: email, private_key: generateTestKey().pkcs8 };
  return JSON.stringify({ ...key, private_key_id: "0123456789abcdef" });
}
