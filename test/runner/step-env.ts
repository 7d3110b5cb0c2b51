// The environment a step's Node process starts with, assembled in the runner's order:
// job env < values exported by earlier steps (GITHUB_ENV) < the step's own env < INPUT_* <
// STATE_* (post only) < the runner's own variables; then GITHUB_PATH entries are prepended to
// PATH, most recent first. Nothing else leaks in from the test process (NODE_OPTIONS,
// NODE_TEST_CONTEXT or a developer's real cloud credentials would change what the action does).
import { delimiter } from "node:path";
import { type ActionMetadata, inputEnvName } from "./action-metadata.ts";
import type { FileCommandFiles } from "./file-commands.ts";

export type InputValue = string | number | boolean;
/** `undefined` removes a variable set by an earlier layer (to test "HOME is not set", say). */
export type EnvOverrides = Record<string, string | undefined>;

/**
 * INPUT_* variables for every input the action declares: the given value, else the action.yml
 * default, else the empty string. Unknown names are a test's typo and fail loudly (the runner
 * itself only warns).
 */
export function resolveInputEnv(
  action: ActionMetadata,
  given: Readonly<Record<string, InputValue>> = {},
): Record<string, string> {
  const declared = new Set(action.inputs.map((input) => input.name));
  const unknown = Object.keys(given).filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    const valid = [...declared].map((name) => `'${name}'`).join(", ") || "(none)";
    throw new Error(
      `Unexpected input(s) ${unknown.map((name) => `'${name}'`).join(", ")} for action '${action.id}'; valid inputs are ${valid}`,
    );
  }
  const env: Record<string, string> = {};
  for (const input of action.inputs) {
    const value = given[input.name];
    if (value !== undefined) {
      env[inputEnvName(input.name)] = String(value);
    } else if (input.defaultExpression !== undefined) {
      throw new Error(
        `Input '${input.name}' of action '${action.id}' defaults to the expression ${input.defaultExpression}, ` +
          "which the runner harness does not evaluate; pass a value for it",
      );
    } else {
      env[inputEnvName(input.name)] = input.default ?? "";
    }
  }
  return env;
}

export interface StepEnvParts {
  /** PATH before any GITHUB_PATH entries: the test process's own. */
  basePath: string;
  home: string;
  runnerTemp: string;
  workspace: string;
  jobEnv: EnvOverrides;
  exportedEnv: Readonly<Record<string, string>>;
  /** GITHUB_PATH entries in the order they were added. */
  addedPath: readonly string[];
  stepEnv: EnvOverrides;
  inputEnv: Readonly<Record<string, string>>;
  state: Readonly<Record<string, string>>;
  files: FileCommandFiles;
  debug: boolean;
}

export function buildStepEnv(parts: StepEnvParts): Record<string, string> {
  const env: Record<string, string> = {};
  const apply = (layer: Readonly<Record<string, string | undefined>>): void => {
    for (const [name, value] of Object.entries(layer)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  };
  apply({ PATH: parts.basePath, HOME: parts.home });
  apply(parts.jobEnv);
  apply(parts.exportedEnv);
  apply(parts.stepEnv);
  apply(parts.inputEnv);
  apply(Object.fromEntries(Object.entries(parts.state).map(([name, value]) => [`STATE_${name}`, value])));
  apply({
    ...parts.files,
    RUNNER_TEMP: parts.runnerTemp,
    GITHUB_WORKSPACE: parts.workspace,
    GITHUB_ACTIONS: "true",
    CI: "true",
    RUNNER_OS: "Linux",
    RUNNER_DEBUG: parts.debug ? "1" : undefined,
  });
  const prepend = [...parts.addedPath].reverse();
  if (prepend.length > 0) {
    env.PATH = [...prepend, ...(env.PATH === undefined || env.PATH === "" ? [] : [env.PATH])].join(delimiter);
  }
  return env;
}

/** Adds a step's GITHUB_PATH entries to the job's list the way the runner does (a repeat moves to the end). */
export function appendPathEntries(current: readonly string[], added: readonly string[]): string[] {
  const result = [...current];
  for (const entry of added) {
    const existing = result.indexOf(entry);
    if (existing >= 0) result.splice(existing, 1);
    result.push(entry);
  }
  return result;
}
