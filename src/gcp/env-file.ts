import { parse } from "yaml";
import { UserError } from "../errors.ts";
import { readSmallTextFile } from "../fs/read-capped.ts";
import { confineToWorkspace } from "../fs/workspace-path.ts";
import { ENV_NAME, RESERVED_ENV } from "./deploy-checks.ts";
import type { SecretRef } from "./service-env.ts";

// Cloud Run takes at most 32 KiB per variable (https://cloud.google.com/run/quotas); a file of many is still small.
const MAX_BYTES = 256 * 1024;

/**
 * env-file: a YAML map of KEY: value (as gcloud's --env-vars-file takes it), relative to the workspace and
 * refused when it resolves outside it. Values are configuration, not secrets (those belong in secrets):
 * scalars only, numbers and booleans as written. No value is ever put in a message.
 */
export async function readEnvFile(path: string, workspaceDir: string): Promise<Record<string, string>> {
  const file = (await confineToWorkspace("env-file", path, workspaceDir, "file")).real;
  const shown = `env-file ${JSON.stringify(path)}`;
  const text = await readSmallTextFile(file, shown, MAX_BYTES);
  if (text === undefined) {
    throw new UserError(
      `${shown} does not exist in the workspace: commit the file, or fix the path (relative to the workspace).`,
    );
  }
  let document: unknown;
  try {
    document = parse(text, { schema: "core", uniqueKeys: true });
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new UserError(
      `${shown} is not valid YAML${line ? ` (line ${line})` : ""}: write one KEY: value per line.`,
    );
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new UserError(`${shown} must be a YAML map of KEY: value, one per line.`);
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(document)) {
    if (!ENV_NAME.test(name)) {
      throw new UserError(
        `${shown}: ${JSON.stringify(name.slice(0, 80))} is not a variable name: use letters, digits and _.`,
      );
    }
    if (RESERVED_ENV.has(name))
      throw new UserError(`${shown}: ${name} is set by Cloud Run itself; remove it.`);
    if (value !== null && typeof value === "object") {
      throw new UserError(
        `${shown}: ${name} holds a list or map; a value must be text, a number or true/false.`,
      );
    }
    env[name] = value === null ? "" : String(value);
  }
  return env;
}

/** env with env-file's variables under it (env wins for a name in both); a name secrets feeds is refused. */
export async function withEnvFile(
  env: Record<string, string> | undefined,
  envFile: string,
  workspaceDir: string,
  secretEnv: Record<string, SecretRef> | undefined,
): Promise<Record<string, string>> {
  const fromFile = await readEnvFile(envFile, workspaceDir);
  const both = Object.keys(secretEnv ?? {}).find((name) => name in fromFile);
  if (both) {
    throw new UserError(
      `secrets sets ${both} and env-file sets it too: keep one (a secret's value belongs in secrets).`,
    );
  }
  return { ...fromFile, ...env };
}
