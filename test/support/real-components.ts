import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import type { TestContext } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Tests that need a real component (the Docker engine, the distribution registry) skip with a printed
 * reason where it is absent, except under CI=true, where .ci/run installs it and its absence is a failure.
 */
export async function requireComponent(
  t: TestContext,
  name: string,
  probe: () => Promise<boolean>,
): Promise<boolean> {
  if (await probe()) return true;
  const reason = `${name} is not available on this machine (bash .ci/run installs and starts it)`;
  if (process.env.CI === "true") throw new Error(`${reason}; CI must have it`);
  console.log(`# skipped: ${reason}`);
  t.skip(reason);
  return false;
}

export async function dockerEngineRunning(): Promise<boolean> {
  try {
    await run("docker", ["info", "--format", "{{.ServerVersion}}"], { timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

export async function executableExists(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The distribution registry (Debian's docker-registry) stands in for OCIR and Artifact Registry. */
export function registryInstalled(): Promise<boolean> {
  return executableExists("/usr/bin/docker-registry");
}

/** The registry a push needs; skips (or fails under CI) without it. */
export function requireRegistry(t: TestContext): Promise<boolean> {
  return requireComponent(t, "docker-registry", registryInstalled);
}

/** The registry and the Docker engine a build and push need; skips (or fails under CI) without them. */
export async function requireDockerAndRegistry(t: TestContext): Promise<boolean> {
  return (await requireRegistry(t)) && requireComponent(t, "the Docker engine", dockerEngineRunning);
}
