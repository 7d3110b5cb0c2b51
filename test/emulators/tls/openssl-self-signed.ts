// Self-signed certificates made at run time with the `openssl` CLI (nothing is committed): the
// client certificates and signing keys Entra publishes, and the keys registry token services sign with.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const KEY_ARGS = { "rsa-2048": ["rsa:2048"], "ec-p256": ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"] };

/** `openssl req -x509` for subject CN=`commonName`, valid `days` days: the certificate and its key, PEM. */
export async function opensslSelfSigned(
  commonName: string,
  options: { key: keyof typeof KEY_ARGS; days: number },
): Promise<{ certPem: string; keyPem: string }> {
  // The common name goes into -subj; refuse characters that would change its meaning.
  if (!/^[A-Za-z0-9 .-]+$/.test(commonName)) throw new Error(`invalid common name ${commonName}`);
  const dir = await mkdtemp(join(tmpdir(), "fngate-cert-"));
  try {
    const keyFile = join(dir, "key.pem");
    const certFile = join(dir, "cert.pem");
    const args = ["req", "-x509", "-newkey", ...KEY_ARGS[options.key], "-nodes", "-keyout", keyFile];
    const subject = ["-out", certFile, "-days", String(options.days), "-subj", `/CN=${commonName}`];
    await execFileAsync("openssl", [...args, ...subject], { timeout: 30_000 });
    const [certPem, keyPem] = await Promise.all([readFile(certFile, "utf8"), readFile(keyFile, "utf8")]);
    return { certPem, keyPem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
