// Self-signed certificates made at run time with the `openssl` CLI (nothing is committed): the
// client certificates and signing keys Entra publishes, and the keys registry token services sign with.
// Node makes the key: its RSA key generation takes ~50 ms where the CLI's takes ~350 ms, and every
// emulator stack publishes six RSA signing keys (Entra, GitHub, Google), so the CLI only signs.
import { execFile } from "node:child_process";
import { generateKeyPair } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const generate = promisify(generateKeyPair);
const KEYS = {
  "rsa-2048": () => generate("rsa", { modulusLength: 2048 }),
  "ec-p256": () => generate("ec", { namedCurve: "P-256" }),
};

/** `openssl req -x509` for subject CN=`commonName`, valid `days` days: the certificate and its key, PEM. */
export async function opensslSelfSigned(
  commonName: string,
  options: { key: keyof typeof KEYS; days: number },
): Promise<{ certPem: string; keyPem: string }> {
  // The common name goes into -subj; refuse characters that would change its meaning.
  if (!/^[A-Za-z0-9 .-]+$/.test(commonName)) throw new Error(`invalid common name ${commonName}`);
  const { privateKey } = await KEYS[options.key]();
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const dir = await mkdtemp(join(tmpdir(), "fngate-cert-"));
  try {
    const keyFile = join(dir, "key.pem");
    const certFile = join(dir, "cert.pem");
    await writeFile(keyFile, keyPem, { mode: 0o600 });
    const args = ["req", "-x509", "-key", keyFile, "-out", certFile, "-days", String(options.days)];
    await execFileAsync("openssl", [...args, "-subj", `/CN=${commonName}`], { timeout: 30_000 });
    return { certPem: await readFile(certFile, "utf8"), keyPem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
