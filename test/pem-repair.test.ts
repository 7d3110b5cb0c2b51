import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { isUserError } from "../src/errors.ts";
import { loadPrivateKey } from "../src/oci/auth/private-key.ts";
import { encryptedPkcs1, generateTestKey, pemArmor } from "./support/keys.ts";

const key = generateTestKey();

// Each pasted form and an encrypted PKCS#8 or PKCS#1 key with its passphrase: fn-context-action.test.ts
// ("each variant is accepted as the same key and masked", through the reader and plan in process).
describe("loadPrivateKey repairs what people paste", () => {
  const folded = (joiner: string) => encryptedPkcs1(key, "s3cret pass").trim().split("\n").join(joiner);
  const encrypted: Record<string, string> = {
    "encrypted traditional, folded onto one line": folded(" "),
    "encrypted traditional, literal \\n escapes": folded("\\n"),
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
  // Refused elsewhere with the same line or a stricter one: an encrypted key without its passphrase and
  // garbage (test/reliability/r4-cases.ts), a wrong passphrase and a public key (fn-context-plan.test.ts).
  const cases: [string, string, string | undefined, RegExp][] = [
    [
      "traditional encrypted key without passphrase",
      encryptedPkcs1(key, "pw"),
      undefined,
      /private-key is encrypted/,
    ],
    ["EC key", ec, undefined, /private-key is an ec key; OCI API signing keys must be RSA/],
    [
      "1024-bit RSA key",
      small,
      undefined,
      /private-key is a 1024-bit RSA key; OCI requires at least 2048 bits/,
    ],
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
