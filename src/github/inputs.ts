import * as core from "@actions/core";
import { UserError } from "../errors.ts";

/**
 * Reading action inputs: an unset input is `undefined` (never ""), an input may fall back to an
 * environment variable of the same meaning, and booleans are strict YAML 1.2 (true/false only).
 */
export function optionalInput(name: string, envFallback?: string): string | undefined {
  const value = core.getInput(name);
  if (value !== "") return value;
  const fromEnv = envFallback ? process.env[envFallback]?.trim() : undefined;
  return fromEnv ? fromEnv : undefined;
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
