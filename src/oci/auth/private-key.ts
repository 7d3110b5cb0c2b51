import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { describeError, UserError } from "../../errors.ts";
import { formatPemBlock, repairPemText } from "./pem-text.ts";

export interface LoadedPrivateKey {
  key: KeyObject;
  /** Unencrypted PKCS#8 PEM: the form the Fn CLI, the OCI CLI and every SDK read. */
  pem: string;
  /** Whether the key given was encrypted (and so was decrypted with the passphrase). */
  wasEncrypted: boolean;
  modulusBits: number;
}

const MIN_RSA_BITS = 2048;

const WRONG_KIND: Record<string, string> = {
  "PUBLIC KEY": "a public key",
  "RSA PUBLIC KEY": "a public key",
  CERTIFICATE: "a certificate",
  "EC PRIVATE KEY": "an EC key (OCI API signing keys are RSA)",
  "OPENSSH PRIVATE KEY":
    'an OpenSSH-format key; convert it to PEM with "ssh-keygen -p -m pkcs8 -f <file>" and paste the result',
};

/**
 * Reads an OCI API signing key from what the user pasted: repairs the PEM, decrypts it when a
 * passphrase is given, and checks it is an RSA key OCI accepts.
 */
export function loadPrivateKey(
  raw: string,
  passphrase: string | undefined,
  inputName: string,
): LoadedPrivateKey {
  const block = repairPemText(raw, inputName);
  const wrongKind = WRONG_KIND[block.label];
  if (wrongKind) throw new UserError(`${inputName} is ${wrongKind}, not an RSA private key.`);
  if (!/PRIVATE KEY$/.test(block.label)) {
    throw new UserError(`${inputName} is a "${block.label}" PEM block, not a private key.`);
  }
  const encrypted =
    block.label === "ENCRYPTED PRIVATE KEY" || block.headers.some((h) => h.includes("ENCRYPTED"));
  if (encrypted && !passphrase) {
    throw new UserError(
      `${inputName} is encrypted: set private-key-passphrase (fngate writes a decrypted copy, because the Fn CLI cannot use encrypted keys).`,
    );
  }
  const key = parse(formatPemBlock(block), encrypted ? passphrase : undefined, inputName);
  if (key.asymmetricKeyType !== "rsa") {
    throw new UserError(
      `${inputName} is an ${key.asymmetricKeyType ?? "unknown"} key; OCI API signing keys must be RSA.`,
    );
  }
  const modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusBits < MIN_RSA_BITS) {
    throw new UserError(
      `${inputName} is a ${modulusBits}-bit RSA key; OCI requires at least ${MIN_RSA_BITS} bits.`,
    );
  }
  const pem = key.export({ type: "pkcs8", format: "pem" }).toString();
  return { key, pem, wasEncrypted: encrypted, modulusBits };
}

export function publicKeyDer(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: "spki", format: "der" });
}

function parse(pem: string, passphrase: string | undefined, inputName: string): KeyObject {
  try {
    return createPrivateKey(
      passphrase === undefined ? { key: pem, format: "pem" } : { key: pem, format: "pem", passphrase },
    );
  } catch (error) {
    const reason = describeError(error);
    if (passphrase !== undefined && /bad decrypt|decrypt|passphrase/i.test(reason)) {
      throw new UserError(
        "private-key-passphrase does not decrypt private-key: check the passphrase secret.",
      );
    }
    throw new UserError(
      `${inputName} could not be read as a private key (${shortReason(reason)}): a character was probably changed when it was pasted.`,
    );
  }
}

/** OpenSSL reasons look like "error:1E08010C:DECODER routines::unsupported"; keep the readable tail. */
function shortReason(reason: string): string {
  const tail = reason.split("::").pop() ?? reason;
  return tail.trim() || "unreadable";
}
