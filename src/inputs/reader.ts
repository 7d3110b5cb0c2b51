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
  /** The error for several required inputs missing at once, worded as `required` words one. */
  missing(inputs: readonly MissingInput[]): Error;
}

/** A required input that was not given, and the environment variable it could have come from. */
export interface MissingInput {
  name: string;
  envFallback?: string;
}

/**
 * Runs a parser so that every missing required input is named in one message, not one per run: a
 * missing input is noted and parsing goes on (an empty stand-in is returned, and whatever the parser
 * does with it is discarded); at the end, anything missing is the error, before any other the stand-ins
 * may have caused and before the environment is checked (the OCI profile, docker).
 */
export function readEveryInput<T>(read: InputReader, parse: (read: InputReader) => T): T {
  const missing: MissingInput[] = [];
  const noting: InputReader = {
    ...read,
    required(name, envFallback) {
      const value = read.optional(name, envFallback);
      if (value !== undefined) return value;
      missing.push(envFallback ? { name, envFallback } : { name });
      return "";
    },
  };
  let parsed: T | undefined;
  let failure: { error: unknown } | undefined;
  try {
    parsed = parse(noting);
  } catch (error) {
    failure = { error };
  }
  const [only, ...more] = missing;
  if (only && more.length === 0) read.required(only.name, only.envFallback);
  if (only) throw read.missing(missing);
  if (failure) throw failure.error;
  return parsed as T;
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
