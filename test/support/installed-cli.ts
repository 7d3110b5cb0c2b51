// Runs a given fngate executable (the bin of an installed package, or dist/cli/index.js under another
// Node) the way a user would, and proves it with one real command: `fngate smoke-test` against a guarded
// HTTPS API (test/support/guarded-api.ts) that checks tokens as a gateway does.
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestCa } from "../emulators/tls/test-ca.ts";
import { startGuardedApi } from "./guarded-api.ts";

export interface ExecutableRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `command ...args` with exactly `env` (nothing inherited). */
export function runExecutable(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<ExecutableRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
  });
}

export interface SmokeTestRun extends ExecutableRun {
  /** What the API saw: the smoke test's own call with the token, then its negative checks. */
  requests: number;
}

/**
 * `<fngate> smoke-test --url <guarded API> --token-file <token> --json`, with a fresh CA the process
 * trusts through NODE_EXTRA_CA_CERTS; every file it makes lives under `dir`.
 */
export async function smokeTestAgainstGuardedApi(
  run: (args: readonly string[], env: Record<string, string>) => Promise<ExecutableRun>,
  dir: string,
  env: Record<string, string>,
): Promise<SmokeTestRun> {
  const tls = await createTestCa(join(dir, "tls"));
  const api = await startGuardedApi(tls);
  try {
    const home = join(dir, "home");
    await mkdir(home, { recursive: true, mode: 0o700 });
    const tokenFile = join(dir, "token");
    await writeFile(tokenFile, await api.token(), { mode: 0o600 });
    const result = await run(["smoke-test", "--url", api.url, "--token-file", tokenFile, "--json"], {
      ...env,
      HOME: home,
      TMPDIR: dir,
      NODE_EXTRA_CA_CERTS: tls.caFile,
    });
    return { ...result, requests: api.requests.length };
  } finally {
    await api.close();
  }
}
