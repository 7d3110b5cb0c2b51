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
  /** Hex SHA-1 / SHA-256 thumbprints of the DER certificate, as the Azure portal shows them. */
  thumbprintSha1: string;
  thumbprintSha256: string;
  /** base64url thumbprints: the JOSE x5t and x5t#S256 header values. */
  x5t: string;
  x5tS256: string;
}

/** Creates an RSA-2048 certificate valid for `days` days with subject CN=`commonName`. */
export async function createSelfSignedCert(commonName: string, days = 7): Promise<SelfSignedCert> {
  const { certPem, keyPem } = await opensslSelfSigned(commonName, { key: "rsa-2048", days });
  return describeCert(certPem, keyPem);
}

export function describeCert(certPem: string, keyPem: string): SelfSignedCert {
  const x509 = new X509Certificate(certPem);
  const privateKey = createPrivateKey(keyPem);
  const sha1 = hexOf(x509.fingerprint);
  const sha256 = hexOf(x509.fingerprint256);
  return {
    certPem,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    privateKey,
    x509,
    thumbprintSha1: sha1,
    thumbprintSha256: sha256,
    x5t: Buffer.from(sha1, "hex").toString("base64url"),
    x5tS256: Buffer.from(sha256, "hex").toString("base64url"),
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
