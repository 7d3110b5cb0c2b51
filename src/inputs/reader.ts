import { UserError } from "../errors.ts";
import { checkInputText } from "./check-input-text.ts";
import { inputShape } from "./input-shapes.ts";

/**
 * Where a parser reads an action's inputs from: the runner's INPUT_* variables (src/github) or the
 * command line and FNGATE_* variables (src/cli). An unset input is `undefined`, never "". A parser may
 * name the environment variable an input falls back to (OCI_CLI_USER...); the reader, which owns the
 * environment, resolves it. Parsers themselves never read the environment.
 */
export interface InputReader {
  optional(name: string, envFallback?: string): string | undefined;
  required(name: string, envFallback?: string): string;
  boolean(name: string, fallback: boolean): boolean;
  /** Marks a secret input value so no log shows it; called before the value is used for anything. */
  mask(value: string): void;
}

const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE"]);

/**
 * The one boolean parser: YAML 1.2's core schema (true/false in three spellings), as the runner's
 * core.getBooleanInput reads them; `label` is how the error names the input (`wait`, `--wait`).
 */
export function parseBoolean(label: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new UserError(`${label} must be true or false; got ${JSON.stringify(value.slice(0, 40))}.`);
}

/** Adds the optional values that are set: exactOptionalPropertyTypes forbids `key: undefined`. */
export function withDefined<T extends object>(base: T, optional: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(base, { [key]: value });
  }
  return base;
}

/**
 * The value of the environment variable an unset input falls back to (OCI_CLI_USER for user-ocid...),
 * checked as the input's own text would be, since it means what the input means.
 */
export function fallbackValue(
  env: NodeJS.ProcessEnv,
  variable: string | undefined,
  inputName: string,
): string | undefined {
  const value = variable ? env[variable]?.trim() : undefined;
  if (!value || !variable) return undefined;
  checkInputText(variable, value, inputShape(undefined, inputName));
  return value;
}
