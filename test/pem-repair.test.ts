import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { isUserError } from "../src/errors.ts";
import { fingerprintOf } from "../src/oci/auth/fingerprint.ts";
import { loadPrivateKey, publicKeyDer } from "../src/oci/auth/private-key.ts";
import { encryptedPkcs1, encryptedPkcs8, generateTestKey, pastedVariants, pemArmor } from "./support/keys.ts";

const key = generateTestKey();

describe("loadPrivateKey repairs what people paste", () => {
  for (const [form, pasted] of Object.entries(pastedVariants(key))) {
    it(form, () => {
      const loaded = loadPrivateKey(pasted, undefined, "private-key");
      assert.equal(fingerprintOf(publicKeyDer(loaded.key)), key.fingerprint);
      assert.equal(loaded.pem, key.pkcs8);
      assert.equal(loaded.wasEncrypted, false);
    });
  }

  const encrypted: Record<string, string> = {
    "encrypted PKCS#8": encryptedPkcs8(key, "s3cret pass"),
    "encrypted traditional PKCS#1 (Proc-Type/DEK-Info)": encryptedPkcs1(key, "s3cret pass"),
    "encrypted traditional, folded onto one line": encryptedPkcs1(key, "s3cret pass")
      .trim()
      .split("\n")
      .join(" "),
    "encrypted traditional, literal \\n escapes": encryptedPkcs1(key, "s3cret pass")
      .trim()
      .split("\n")
      .join("\\n"),
  };
  for (const [form, pasted] of Object.entries(encrypted)) {
    it(`${form} with its passphrase is decrypted`, () => {
      const loaded = loadPrivateKey(pasted, "s3cret pass", "private-key");
      assert.equal(loaded.wasEncrypted, true);
      assert.equal(loaded.pem, key.pkcs8);
      assert.doesNotMatch(loaded.pem, /ENCRYPTED/);
    });
  }
});

describe("loadPrivateKey refuses with a message naming the input and the fix", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  const small = generateKeyPairSync("rsa", { modulusLength: 1024 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  const body = key.pkcs8.split("\n");
  const corrupted = [body[0], `${body[1]?.slice(0, 10)}*${body[1]?.slice(11)}`, ...body.slice(2)].join("\n");
  const cases: [string, string, string | undefined, RegExp][] = [
    [
      "encrypted key without passphrase",
      encryptedPkcs8(key, "pw"),
      undefined,
      /private-key is encrypted: set private-key-passphrase/,
    ],
    [
      "traditional encrypted key without passphrase",
      encryptedPkcs1(key, "pw"),
      undefined,
      /private-key is encrypted/,
    ],
    [
      "wrong passphrase",
      encryptedPkcs8(key, "pw"),
      "not-pw",
      /private-key-passphrase does not decrypt private-key/,
    ],
    ["public key", key.publicPem, undefined, /private-key is a public key, not an RSA private key/],
    ["EC key", ec, undefined, /private-key is an ec key; OCI API signing keys must be RSA/],
    [
      "1024-bit RSA key",
      small,
      undefined,
      /private-key is a 1024-bit RSA key; OCI requires at least 2048 bits/,
    ],
    ["garbage", "hello world", undefined, /private-key is not a PEM private key/],
    ["empty after quotes", '""', undefined, /private-key is not a PEM private key/],
    [
      "cut short",
      key.pkcs8.slice(0, 300),
      undefined,
      /private-key has a BEGIN line but no matching END line/,
    ],
    ["corrupted body", corrupted, undefined, /private-key has a PEM body that is not valid base64/],
    [
      "OpenSSH key",
      // Only the OpenSSH armor and magic ("openssh-key-v1"): no key material is kept in the repository.
      pemArmor("OPENSSH PRIVATE KEY", Buffer.from("openssh-key-v1\0\0\0").toString("base64")),
      undefined,
      /ssh-keygen -p -m pkcs8/,
    ],
    [
      "truncated body",
      key.pkcs8.replace(/\n[A-Za-z0-9+/]{64}\n/, "\n"),
      undefined,
      /private-key could not be read as a private key/,
    ],
  ];
  for (const [name, pasted, passphrase, message] of cases) {
    it(name, () => {
      assert.throws(
        () => loadPrivateKey(pasted, passphrase, "private-key"),
        (error: unknown) =>
          isUserError(error) && message.test(error.message) && !error.message.includes("\n"),
      );
    });
  }
});
