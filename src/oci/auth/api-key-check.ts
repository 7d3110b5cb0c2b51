import { UserError } from "../../errors.ts";
import type { Logger, SecretRegistrar } from "../../step-context.ts";
import { type Ocid, requireOcid } from "../ocid.ts";
import { fingerprintOf, normalizeFingerprint } from "./fingerprint.ts";
import { loadPrivateKey, publicKeyDer } from "./private-key.ts";

/** The API key inputs a profile is written from. */
export interface ApiKeyValues {
  userOcid: string;
  fingerprint?: string;
  privateKey: string;
  privateKeyPassphrase?: string;
}

/** auth: api-key, checked: the key in the form every OCI tool reads, and whose it is. */
export interface PlannedApiKey {
  auth: "api-key";
  /** Unencrypted PKCS#8 PEM; registered as a secret before anything else happens to it. */
  pem: string;
  fingerprint: string;
  user: Ocid;
}

/**
 * The API key read, decrypted and matched against its fingerprint before any file is written. A
 * fingerprint given that is not the key's means the key's public half is not the one uploaded.
 */
export function checkApiKey(inputs: ApiKeyValues, secrets: SecretRegistrar, logger: Logger): PlannedApiKey {
  const key = loadPrivateKey(inputs.privateKey, inputs.privateKeyPassphrase, "private-key");
  secrets.register(key.pem);
  const user = requireOcid(inputs.userOcid, "user-ocid", ["user"]);
  if (inputs.privateKeyPassphrase && !key.wasEncrypted) {
    logger.warning(
      "private-key-passphrase is set but private-key is not encrypted; the passphrase is ignored.",
    );
  }
  const fingerprint = fingerprintOf(publicKeyDer(key.key));
  if (inputs.fingerprint) {
    const given = normalizeFingerprint(inputs.fingerprint, "fingerprint");
    if (given !== fingerprint) {
      throw new UserError(
        `fingerprint ${given} does not match private-key, whose fingerprint is ${fingerprint}: either fingerprint was copied from another API key, or this key's public half was never uploaded to the user (Identity > Users > API keys).`,
      );
    }
  }
  logger.info(
    `API key: RSA ${key.modulusBits}-bit, fingerprint ${fingerprint}${key.wasEncrypted ? ", decrypted with private-key-passphrase" : ""}.`,
  );
  return { auth: "api-key", pem: key.pem, fingerprint, user };
}
