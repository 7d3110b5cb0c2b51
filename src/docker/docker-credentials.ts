import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { findExecutable, runTool } from "./run-tool.ts";

/** A registry login as docker stored it. */
export interface RegistryLogin {
  username: string;
  password: string;
}

/**
 * The login `docker login` stored for a registry host, read the way the docker CLI reads it
 * (https://docs.docker.com/reference/cli/docker/login/#credential-stores): a credential helper named
 * for the host in credHelpers, else the credsStore helper, else the base64 user:password in auths.
 * Helpers are the `docker-credential-<name>` programs on PATH, asked with `get` and the host on
 * stdin. undefined when there is no login for the host (an anonymous pull may still work).
 */
export async function dockerLogin(
  configDir: string,
  host: string,
  env: NodeJS.ProcessEnv,
): Promise<RegistryLogin | undefined> {
  const text = await readFile(join(configDir, "config.json"), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  let config: {
    auths?: Record<string, { auth?: string; username?: string; password?: string }>;
    credHelpers?: Record<string, string>;
    credsStore?: string;
  };
  try {
    config = JSON.parse(text) as typeof config;
  } catch {
    return undefined;
  }
  const helper = config.credHelpers?.[host] ?? config.credsStore;
  if (helper) {
    const fromHelper = await askHelper(helper, host, env);
    if (fromHelper) return fromHelper;
  }
  const entry = Object.entries(config.auths ?? {}).find(([key]) => hostOf(key) === host)?.[1];
  if (entry?.username && entry.password) return { username: entry.username, password: entry.password };
  if (!entry?.auth) return undefined;
  const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** auths keys are hosts, or URLs for Docker Hub's legacy https://index.docker.io/v1/. */
function hostOf(key: string): string {
  return key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
}

/**
 * `docker-credential-<name> get` with the host on stdin. Its answer holds the secret, so it is parsed
 * and never streamed anywhere; a helper that is missing or fails means no login from it.
 */
async function askHelper(
  name: string,
  host: string,
  env: NodeJS.ProcessEnv,
): Promise<RegistryLogin | undefined> {
  const program = await findExecutable(`docker-credential-${name}`, env.PATH);
  if (program === undefined) return undefined;
  const answer = await runTool(program, ["get"], { env, stdin: host }).catch(() => undefined);
  if (answer?.code !== 0) return undefined;
  try {
    const parsed = JSON.parse(answer.stdout) as { Username?: string; Secret?: string };
    return parsed.Username && parsed.Secret
      ? { username: parsed.Username, password: parsed.Secret }
      : undefined;
  } catch {
    return undefined;
  }
}
