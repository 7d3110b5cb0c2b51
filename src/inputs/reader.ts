import { isUserError, UserError } from "../errors.ts";
import { checkInputText, InputTextError } from "./check-input-text.ts";
import { refuseAll } from "./input-problems.ts";
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
  /** The error for required inputs that were not given: one worded as `required` words it, or several at once. */
  missing(inputs: readonly MissingInput[]): Error;
  /**
   * Runs the check of one input's value, or of a rule across several inputs (`inputs` names them, the
   * one the refusal is about first). Under readEveryInput a refusal is noted and reading goes on, and a
   * check is skipped when one of its inputs was already refused or missing, so a fine input never draws
   * a follow-on error; its value is then `undefined` (the parse result is discarded anyway). Read
   * directly, it just runs the check.
   */
  field<T>(inputs: string | readonly string[], check: () => T): T;
  /**
   * Problems the adapter found before the parser ran (a refused deadline-minutes, which it reads first
   * to start the step's deadline): readEveryInput names them with the parser's own.
   */
  noted?: readonly Error[];
}

/** A required input that was not given, and the environment variable it could have come from. */
export interface MissingInput {
  name: string;
  envFallback?: string;
}

/**
 * What a parser returns under readEveryInput once an input that decides which others apply (a cloud,
 * a stage list) was refused: the inputs that depend on it are not read, so none draws a follow-on
 * error, and readEveryInput discards the result. Read directly, the refusal was thrown before this.
 */
export function nothingMoreToRead<T>(): T {
  return undefined as T;
}

/** `field` for a reader that refuses at the first problem: the check simply runs. */
export function checkNow<T>(_inputs: string | readonly string[], check: () => T): T {
  return check();
}

/**
 * Runs a parser so that every problem with the inputs is named in one message, not one per run: a
 * missing required input is noted (an empty stand-in is returned) and so is every refusal raised in a
 * `field`, and parsing goes on. At the end, before anything the environment decides (the OCI profile,
 * docker: parsers check those last), the problems are the error: one keeps its own message, several
 * missing ones read as the reader's `missing`, and otherwise all are listed (src/inputs/input-problems.ts).
 * An error thrown outside a field once something is refused is taken for a consequence of a stand-in
 * value and dropped. A value no input may hold (InputTextError: a control character, credentials in a
 * URL) is refused at once and alone, as the adapters refuse such a value before parsing starts.
 */
export function readEveryInput<T>(read: InputReader, parse: (read: InputReader) => T): T {
  const problems: (Error | MissingInput)[] = [...(read.noted ?? [])];
  const failed = new Set<string>();
  // How often a check met an input already refused or missing (and read it as unset).
  let standIns = 0;
  const field = <V>(inputs: string | readonly string[], check: () => V): V => {
    const names = typeof inputs === "string" ? [inputs] : inputs;
    if (names.some((name) => failed.has(name))) {
      standIns++;
      return undefined as V;
    }
    const [noted, met] = [problems.length, standIns];
    try {
      return check();
    } catch (error) {
      if (!isUserError(error) || error instanceof InputTextError) throw error;
      // A refusal after the check met a refused or missing input is its consequence: naming it would mislead.
      if (problems.length === noted && standIns === met) problems.push(error);
      for (const name of names) failed.add(name);
      return undefined as V;
    }
  };
  const noting: InputReader = {
    ...read,
    optional: (name, envFallback) => field(name, () => read.optional(name, envFallback)),
    required(name, envFallback) {
      const value = noting.optional(name, envFallback);
      if (value !== undefined) return value;
      if (!failed.has(name)) problems.push(envFallback ? { name, envFallback } : { name });
      failed.add(name);
      standIns++;
      return "";
    },
    boolean: (name, fallback) => field(name, () => read.boolean(name, fallback)) ?? fallback,
    field,
  };
  let parsed: T | undefined;
  let failure: { error: unknown } | undefined;
  try {
    parsed = parse(noting);
  } catch (error) {
    // A value no input may hold (a fallback variable's, a secret file's) is refused before the others.
    if (error instanceof InputTextError) throw error;
    failure = { error };
  }
  if (problems.length === 0) {
    if (failure) throw failure.error;
    return parsed as T;
  }
  const missing = problems.filter((problem) => !(problem instanceof Error));
  if (missing.length === problems.length) throw read.missing(missing);
  refuseAll(problems.map((problem) => (problem instanceof Error ? problem : read.missing([problem]))));
  throw new Error("unreachable: refuseAll refuses");
}

/** `required` from a reader's `optional` and `missing`: the value, or the reader's error for it. */
export function requiredFrom(
  optional: InputReader["optional"],
  missing: InputReader["missing"],
): InputReader["required"] {
  return (name, envFallback) => {
    const value = optional(name, envFallback);
    if (value !== undefined) return value;
    throw missing([envFallback ? { name, envFallback } : { name }]);
  };
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
