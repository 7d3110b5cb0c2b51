// Runs a given fngate executable (the bin of an installed package, or dist/cli/index.js under another
// Node) the way a user would, and proves it with one real command: `fngate smoke-test` against a guarded
// HTTPS API (test/support/guarded-api.ts) that checks tokens as a gateway does.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestCa } from "../emulators/tls/test-ca.ts";
import { type CliRun, runExecutable } from "./cli-process.ts";
import { startGuardedApi } from "./guarded-api.ts";

/** What a run of an fngate executable gives (the same as a run of the CLI in this checkout). */
export type ExecutableRun = CliRun;
export { runExecutable };

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
