// Starts the real distribution registry (Debian `docker-registry`) on a free loopback port with
// filesystem storage in a temporary directory: what `docker login` and `docker push` talk to in
// tests, and where the emulators look up function images. It authenticates with htpasswd (bcrypt)
// users, or with Bearer tokens from a token service (distribution's auth.token: realm, service,
// issuer, rootcertbundle; https://distribution.github.io/distribution/about/configuration/#token):
// `token` as OCIR runs it (the service is the registry's own host; see token-registry.ts), `tokenAuth`
// as Artifact Registry does (an explicit service). Loopback registries are plain http: the Docker
// engine allows insecure registries on 127.0.0.0/8 by default, and then also skips TLS verification
// of their token realm.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeLoopbackPort } from "../http/loopback-server.ts";

export const REGISTRY_BINARY = "/usr/bin/docker-registry";
export const HTPASSWD_BINARY = "/usr/bin/htpasswd";

export interface RegistryUser {
  username: string;
  password: string;
}

/** A token service the registry trusts instead of htpasswd users. */
export interface RegistryTokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  /** PEM of the certificate whose key signs the tokens. */
  rootCertPem: string;
}

/** Token-auth mode whose service name is the registry's own host, and a bundle file already written. */
export interface TokenAuth {
  realm: string;
  issuer: string;
  rootCertBundleFile: string;
}

export interface RegistryOptions {
  users?: readonly RegistryUser[];
  token?: TokenAuth;
  tokenAuth?: RegistryTokenAuthConfig;
}
export type RegistryAuth = RegistryOptions;

export interface StartedRegistry {
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port>, the registry part of image names. */
  host: string;
  users: readonly RegistryUser[];
  /** Stops the registry and deletes its storage. */
  close(): Promise<void>;
}

/** Why the registry cannot run here (a missing package), or undefined when it can. */
export function registryUnavailableReason(): string | undefined {
  if (!existsSync(REGISTRY_BINARY)) return `${REGISTRY_BINARY} is missing (apt-get install docker-registry)`;
  if (!existsSync(HTPASSWD_BINARY)) return `${HTPASSWD_BINARY} is missing (apt-get install apache2-utils)`;
  return undefined;
}

/**
 * For `test(name, { skip: registrySkip() }, ...)`: the reason to skip outside CI, false under
 * CI=true so the test runs and fails loudly when the registry is missing there.
 */
export function registrySkip(): string | false {
  if (process.env.CI === "true") return false;
  return registryUnavailableReason() ?? false;
}

const READY_TIMEOUT_MS = 15_000;

// Runs the registry under a small sh watchdog: it holds our end of a stdin pipe and kills the
// registry when that pipe ends, which is close() or this process dying without calling it (a
// crashed test run would otherwise leave the registry running). Background lists read
// /dev/null unless redirected, hence fd 3.
const WATCHDOG = `exec 3<&0
"$0" serve "$1" </dev/null &
pid=$!
{ read _ignored <&3; kill "$pid" 2>/dev/null; } &
wait "$pid"`;
const PORT_ATTEMPTS = 5;

export async function startRegistry(options: RegistryOptions): Promise<StartedRegistry> {
  const missing = registryUnavailableReason();
  if (missing) throw new Error(`cannot start the registry: ${missing}`);
  const dir = await mkdtemp(join(tmpdir(), "fngate-registry-"));
  const users = options.users ?? [];
  try {
    let auth: (host: string) => Record<string, unknown>;
    if (options.token) {
      const { realm, issuer, rootCertBundleFile } = options.token;
      auth = (host) => ({ token: { realm, service: host, issuer, rootcertbundle: rootCertBundleFile } });
    } else if (options.tokenAuth) {
      const { realm, service, issuer, rootCertPem } = options.tokenAuth;
      await writeFile(join(dir, "token-root.pem"), rootCertPem, { mode: 0o600 });
      auth = () => ({ token: { realm, service, issuer, rootcertbundle: join(dir, "token-root.pem") } });
    } else {
      const lines = await Promise.all(users.map((user) => htpasswdLine(user)));
      await writeFile(join(dir, "htpasswd"), `${lines.join("\n")}\n`, { mode: 0o600 });
      auth = () => ({ htpasswd: { realm: "fngate-test-registry", path: join(dir, "htpasswd") } });
    }
    // A port found free can be taken before the registry binds it; try again with another.
    for (let attempt = 1; ; attempt += 1) {
      try {
        const port = await freeLoopbackPort();
        return await startOn(port, dir, users, auth(`127.0.0.1:${port}`));
      } catch (error) {
        if (attempt >= PORT_ATTEMPTS || !String(error).includes("address already in use")) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startOn(
  port: number,
  dir: string,
  users: readonly RegistryUser[],
  auth: Record<string, unknown>,
): Promise<StartedRegistry> {
  const host = `127.0.0.1:${port}`;
  const configFile = join(dir, `config-${port}.json`);
  // The registry reads YAML, and JSON is YAML.
  const config = {
    version: "0.1",
    log: { level: "warn", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, "data") }, delete: { enabled: true } },
    http: { addr: host, secret: randomBytes(16).toString("hex") },
    auth,
  };
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });

  const child = spawn("/bin/sh", ["-c", WATCHDOG, REGISTRY_BINARY, configFile], {
    stdio: ["pipe", "ignore", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => {
    output = `${output}${chunk.toString("utf8")}`.slice(-8192);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
  });

  const url = `http://${host}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (true) {
    if (!running) {
      child.stdin.end();
      throw new Error(`docker-registry exited before serving: ${output.trim()}`);
    }
    // 401 is the expected answer: the registry is up and demands credentials.
    const status = await fetch(`${url}/v2/`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 401 || status === 200) break;
    if (Date.now() > deadline) {
      child.stdin.end();
      throw new Error(
        `docker-registry did not answer on ${url} within ${READY_TIMEOUT_MS} ms: ${output.trim()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url,
    host,
    users,
    close: async () => {
      if (running) {
        child.stdin.end();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `htpasswd -niB`: bcrypt (the only hash distribution accepts), password on stdin, not argv. */
function htpasswdLine(user: RegistryUser): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(HTPASSWD_BINARY, ["-niB", user.username], (error, stdout) => {
      if (error) reject(new Error(`htpasswd failed for ${user.username}: ${error.message}`));
      else resolve(stdout.trim());
    });
    child.stdin?.end(user.password);
  });
}
