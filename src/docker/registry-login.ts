import { access } from "node:fs/promises";
import { join } from "node:path";
import { type RestorePlan, recordBeforeChange, restore } from "../fs/restore-plan.ts";
import type { DockerCli } from "./docker-cli.ts";

/** What undoes a login: the registry to log out of and docker's config.json as it was before. */
export interface RegistryCleanup {
  registry: string;
  restorePlan: RestorePlan;
}

export interface DockerConfigPaths {
  /** Where docker reads config.json: $DOCKER_CONFIG or ~/.docker. */
  dockerConfigDir: string;
  /** The private temporary folder (RUNNER_TEMP) that keeps the backup. */
  tempDir: string;
  /** HOME: folders created below it for config.json are removed again. */
  homeDir: string;
}

export type LoginResult = { ok: true; cleanup: RegistryCleanup } | { ok: false; output: string };

/**
 * `docker login <registry> --username <user> --password-stdin`, the password never on the command line.
 * config.json is recorded first, and `record` receives the cleanup before docker touches anything, so a
 * step killed mid-way still leaves its post step what it needs. A refused login changes nothing.
 */
export async function dockerLogin(
  docker: DockerCli,
  login: { registry: string; username: string; password: string },
  paths: DockerConfigPaths,
  record?: (cleanup: RegistryCleanup) => void,
): Promise<LoginResult> {
  const configFile = join(paths.dockerConfigDir, "config.json");
  const restorePlan = await recordBeforeChange(paths.tempDir, paths.homeDir, [configFile]);
  const cleanup = { registry: login.registry, restorePlan };
  record?.(cleanup);
  const result = await docker.run(
    ["login", login.registry, "--username", login.username, "--password-stdin"],
    {
      stdin: login.password,
    },
  );
  if (result.code === 0) return { ok: true, cleanup };
  await restore(restorePlan);
  return { ok: false, output: result.stderr || result.stdout };
}

/**
 * Logs out and puts config.json back byte for byte. False when it was already done (the main step
 * logged out itself, and this is its post step): nothing is run twice.
 */
export async function dockerLogout(
  docker: DockerCli | undefined,
  cleanup: RegistryCleanup,
  warn: (message: string) => void,
): Promise<boolean> {
  const pending = await access(cleanup.restorePlan.backupDir).then(
    () => true,
    () => false,
  );
  if (!pending) return false;
  if (docker) {
    // Logging out also clears a credential helper (credsStore), which restoring config.json would not.
    const result = await docker.run(["logout", cleanup.registry]);
    if (result.code !== 0) warn(`docker logout ${cleanup.registry} failed: ${lastLine(result.stderr)}`);
  }
  await restore(cleanup.restorePlan);
  return true;
}

export function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim() || "no output";
}
