// Self-signed RSA certificates made at run time with the `openssl` CLI (nothing is committed).
// Entra publishes its signing keys as certificates (x5c, x5t), and client apps authenticate with
// certificates whose thumbprints MSAL sends, so both need a real X.509 certificate, not a bare key.
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { opensslSelfSigned } from "../tls/openssl-self-signed.ts";

export interface SelfSignedCert {
  certPem: string;
  /** PKCS#8 PEM, the form MSAL's clientCertificate.privateKey takes. */
  privateKeyPem: string;
  privateKey: KeyObject;
  x509: X509Certificate;
  /** Hex SHA-256 thumbprint of the DER certificate, as the Azure portal shows it. */
  thumbprintSha256: string;
  /** base64url thumbprints: the JOSE x5t and x5t#S256 header values. */
  x5t: string;
  x5tS256: string;
}

/** Creates an RSA-2048 certificate valid for `days` days with subject CN=`commonName`. */
export async function createSelfSignedCert(commonName: string, days = 7): Promise<SelfSignedCert> {
  const { certPem, keyPem } = await opensslSelfSigned(commonName, { key: "rsa-2048", days });
  const privateKey = createPrivateKey(keyPem);
  const thumbprints = certThumbprints(certPem);
  return {
    certPem,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    privateKey,
    ...thumbprints,
    thumbprintSha256: hexOf(thumbprints.x509.fingerprint256),
  };
}

/** Thumbprints of a certificate PEM, for matching the x5t / x5t#S256 an assertion names. */
export function certThumbprints(certPem: string): { x5t: string; x5tS256: string; x509: X509Certificate } {
  const x509 = new X509Certificate(certPem);
  return {
    x509,
    x5t: Buffer.from(hexOf(x509.fingerprint), "hex").toString("base64url"),
    x5tS256: Buffer.from(hexOf(x509.fingerprint256), "hex").toString("base64url"),
  };
}

function hexOf(colonHex: string): string {
  return colonHex.replaceAll(":", "").toLowerCase();
}
