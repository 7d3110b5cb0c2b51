import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { UserError } from "../errors.ts";

/** What MSAL's clientCertificate option takes: the SHA-256 thumbprint Entra looks the certificate up by. */
export interface ClientCertificate {
  /** Hex SHA-256 of the certificate's DER. */
  thumbprintSha256: string;
  /** PKCS#8 PEM; MSAL signs the client assertion with it. */
  privateKeyPem: string;
}

/**
 * Reads the certificate and its key, and refuses a pair that does not belong together: Entra would only
 * answer with a generic AADSTS700027 signature failure.
 */
export function readClientCertificate(certificatePem: string, keyPem: string): ClientCertificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    throw new UserError(
      "client-certificate is not a PEM certificate: pass the -----BEGIN CERTIFICATE----- block uploaded to the app registration.",
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new UserError(
      "client-certificate-key is not a PEM private key (or it is encrypted): pass the certificate's unencrypted PKCS#8 or RSA key in PEM form.",
    );
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new UserError(
      "client-certificate-key does not belong to client-certificate: pass the private key the certificate was created with.",
    );
  }
  return {
    thumbprintSha256: certificate.fingerprint256.replaceAll(":", "").toLowerCase(),
    privateKeyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}
