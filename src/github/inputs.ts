import * as core from "@actions/core";
import { UserError } from "../errors.ts";
import { checkInputText } from "../inputs/check-input-text.ts";
import { inputShape } from "../inputs/input-shapes.ts";
import { maskSecret } from "./step-context.ts";

/**
 * Checks the text of every input the runner hands `action` (INPUT_<NAME>, trimmed as core.getInput
 * trims it) before anything reads one: no control characters in a single-line input, no credentials
 * in a URL (src/inputs/input-shapes.ts says which is which). All at once and up front, so an input
 * that is only read on some paths, or only after a file was written, is refused all the same.
 */
export function checkActionInputs(action: string, env: NodeJS.ProcessEnv): void {
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith("INPUT_") || value === undefined) continue;
    const name = variable.slice("INPUT_".length).toLowerCase();
    checkInputText(name, value.trim(), inputShape(action, name));
  }
}

/**
 * Reading action inputs: an unset input is `undefined` (never ""), an input may fall back to an
 * environment variable of the same meaning, and booleans are strict YAML 1.2 (true/false only).
 */
export function optionalInput(name: string, envFallback?: string): string | undefined {
  const value = core.getInput(name);
  if (value !== "") return value;
  const fromEnv = envFallback ? process.env[envFallback]?.trim() : undefined;
  if (!fromEnv || !envFallback) return undefined;
  // The fallbacks (OCI_CLI_USER, OCI_CLI_KEY_CONTENT...) mean what the input means.
  checkInputText(envFallback, fromEnv, inputShape(undefined, name));
  return fromEnv;
}

export function requiredInput(name: string, envFallback?: string): string {
  const value = optionalInput(name, envFallback);
  if (value === undefined) {
    const alternative = envFallback ? ` (or the ${envFallback} environment variable)` : "";
    throw new UserError(`${name} is required: set the input${alternative}.`);
  }
  return value;
}

const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE"]);

export function booleanInput(name: string, fallback: boolean): boolean {
  const value = core.getInput(name);
  if (value === "") return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new UserError(`${name} must be true or false; got ${JSON.stringify(value.slice(0, 40))}.`);
}

/**
 * Where an adapter reads its inputs from. The pipeline action offers every stage's inputs in one
 * action.yml, where a few names would clash (fn-deploy's boolean `wait`, smoke-test's seconds `wait`),
 * so it reads them under other names; errors then name the input the user actually set.
 */
export interface InputReader {
  optional(name: string, envFallback?: string): string | undefined;
  required(name: string, envFallback?: string): string;
  boolean(name: string, fallback: boolean): boolean;
  /** Marks a secret input value so no log shows it; called before the value is used for anything. */
  mask(value: string): void;
}

export const actionInputs: InputReader = {
  optional: optionalInput,
  required: requiredInput,
  boolean: booleanInput,
  mask: maskSecret,
};

/**
 * Reads `name` as `renames[name]`; a null rename means the pipeline does not offer that input, and
 * `values` supplies inputs the pipeline computes itself (a URL another stage produces).
 */
export function renamedInputs(
  renames: Record<string, string | null>,
  values: Record<string, string> = {},
): InputReader {
  const to = (name: string) => (name in renames ? renames[name] : name);
  return {
    optional: (name, envFallback) => {
      if (name in values) return values[name];
      const renamed = to(name);
      return renamed === null || renamed === undefined ? undefined : optionalInput(renamed, envFallback);
    },
    required: (name, envFallback) => {
      const value = values[name];
      if (value !== undefined) return value;
      const renamed = to(name);
      if (renamed === null || renamed === undefined)
        throw new Error(`input ${name} is required but not offered`);
      return requiredInput(renamed, envFallback);
    },
    boolean: (name, fallback) => {
      const renamed = to(name);
      return renamed === null || renamed === undefined ? fallback : booleanInput(renamed, fallback);
    },
    mask: maskSecret,
  };
}

/** Adds the optional values that are set: exactOptionalPropertyTypes forbids `key: undefined`. */
export function withDefined<T extends object>(base: T, optional: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(base, { [key]: value });
  }
  return base;
}
