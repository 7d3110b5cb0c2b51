import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { CONTEXT_NAME } from "./fn-cli-context.ts";

/**
 * The registry of the current Fn CLI context (~/.fn/config.yaml current-context, then
 * ~/.fn/contexts/<name>.yaml), as fn deploy would use it; undefined when there is none.
 */
export async function currentFnRegistry(
  homeDir: string,
): Promise<{ context: string; registry: string } | undefined> {
  const root = await readYaml(join(homeDir, ".fn", "config.yaml"));
  const context = root?.["current-context"];
  if (typeof context !== "string" || !CONTEXT_NAME.test(context)) return undefined;
  const file = await readYaml(join(homeDir, ".fn", "contexts", `${context}.yaml`));
  const registry = file?.registry;
  return typeof registry === "string" && registry.trim() !== ""
    ? { context, registry: registry.trim() }
    : undefined;
}

async function readYaml(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = parse(await readFile(path, "utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    // A missing or unreadable file means no context; the caller asks for the registry input instead.
    return undefined;
  }
}
