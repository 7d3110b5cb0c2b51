// A throwaway certificate authority for the emulators. Tests and `npm run emulators` need real
// HTTPS (the OCI SDK, MSAL and jose refuse plain HTTP or unverified TLS), so every run makes its own
// CA with the `openssl` CLI and a loopback server certificate signed by it. Clients trust it through
// NODE_EXTRA_CA_CERTS (out of process) or tls.setDefaultCACertificates (in process), never by
// turning verification off.

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { words } from "../word-list.ts";

const execFileAsync = promisify(execFile);

export interface TlsMaterial {
  /** Directory holding every file below; the caller owns it and removes it when done. */
  dir: string;
  /** PEM of the CA certificate, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  caPem: string;
  /** Server certificate (signed by the CA) and its private key, for https.createServer. */
  certFile: string;
  certPem: string;
  keyFile: string;
  keyPem: string;
}

// Loopback names every emulator answers on; extra DNS names (fake gateway hosts that tests
// resolve to 127.0.0.1) are appended by the caller.
const LOOPBACK_NAMES = ["IP:127.0.0.1", "IP:::1", "DNS:localhost"];

// Short validity: the material lives as long as one test run. P-256 keys are generated in a few
// milliseconds, RSA would make every test file noticeably slower.
const VALIDITY_DAYS = "7";
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

/**
 * Creates a CA and a server certificate for 127.0.0.1, ::1, localhost and `extraDnsNames`.
 * Files go to `dir` when given, else to a fresh temporary directory; all are mode 0600.
 */
export async function createTestCa(
  dir?: string,
  extraDnsNames: readonly string[] = [],
): Promise<TlsMaterial> {
  for (const name of extraDnsNames) {
    // The name ends up in an openssl extension file; refuse anything that could inject syntax.
    if (!/^[A-Za-z0-9*.-]+$/.test(name))
      throw new Error(`createTestCa: invalid DNS name ${JSON.stringify(name)}`);
  }
  const target = dir ?? removedAtExit(await mkdtemp(join(tmpdir(), "fngate-tls-")));
  if (dir) await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => join(target, name);

  await openssl([
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    file("ca-key.pem"),
    "-out",
    file("ca.pem"),
    "-days",
    VALIDITY_DAYS,
    "-subj",
    "/CN=fngate test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await openssl([
    "req",
    "-new",
    ...EC_KEY,
    "-keyout",
    file("server-key.pem"),
    "-out",
    file("server.csr"),
    "-subj",
    "/CN=localhost",
  ]);
  const altNames = [...LOOPBACK_NAMES, ...extraDnsNames.map((name) => `DNS:${name}`)].join(",");
  await writeFile(
    file("server-ext.cnf"),
    [
      `subjectAltName=${altNames}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  await openssl([
    "x509",
    "-req",
    "-sha256",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca-key.pem"),
    // A random serial avoids the .srl file -CAcreateserial would leave behind.
    "-set_serial",
    `0x${randomSerialHex()}`,
    "-days",
    VALIDITY_DAYS,
    "-extfile",
    file("server-ext.cnf"),
    "-out",
    file("server.pem"),
  ]);

  for (const name of words(`ca-key.pem ca.pem server-key.pem server.csr server-ext.cnf server.pem`)) {
    await chmod(file(name), 0o600);
  }
  const [caPem, certPem, keyPem] = await Promise.all(
    ["ca.pem", "server.pem", "server-key.pem"].map((name) => readFile(file(name), "utf8")),
  );
  if (caPem === undefined || certPem === undefined || keyPem === undefined) {
    throw new Error("createTestCa: openssl did not write the expected files");
  }
  return {
    dir: target,
    caFile: file("ca.pem"),
    caPem,
    certFile: file("server.pem"),
    certPem,
    keyFile: file("server-key.pem"),
    keyPem,
  };
}

async function openssl(args: string[]): Promise<void> {
  try {
    // Keys are briefly umask-mode before the chmod in createTestCa; mkdtemp makes the directory 0700.
    await execFileAsync("openssl", args, { timeout: 30_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(error)}`);
  }
}

function randomSerialHex(): string {
  // 64 random bits, top bit cleared so the serial stays positive.
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

/**
 * Temporary CA folders hold the CA's private key: whatever a test file forgets to remove (or cannot,
 * because it failed), the process removes when it ends, also when it is stopped by SIGTERM (the test
 * runner cancelling a file) or SIGINT, where no exit event comes. One set of listeners for all of them.
 */
const temporaryCaDirs = new Set<string>();
function removedAtExit(dir: string): string {
  if (temporaryCaDirs.size === 0) {
    const removeAll = () => {
      for (const path of temporaryCaDirs) rmSync(path, { recursive: true, force: true });
    };
    process.once("exit", removeAll);
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        removeAll();
        // The signal's own ending, unless the process listens for it itself (npm run emulators stops
        // its servers first).
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    }
  }
  temporaryCaDirs.add(dir);
  return dir;
}
