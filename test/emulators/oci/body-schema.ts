// Request bodies as OCI validates them, declared once per operation: a JSON object holding only the
// fields its model has, each of the right type and range, or a 400 naming the field (InvalidParameter;
// MissingParameter for a required one that is absent), so a client bug shows up here as it would
// against Oracle Cloud instead of being silently ignored.
import type { Json } from "../json.ts";
import { invalidParameter, missingParameter } from "./errors.ts";

export type Rule =
  | {
      type: "string";
      /** Absent, null and "" are all missing. */
      required?: true;
      nonEmpty?: true;
      maxLength?: number;
      check?: (value: string) => void;
    }
  | { type: "integer"; required?: true; min: number; max: number }
  | { type: "boolean" | "object" | "stringMap" | "config" }
  /** Type-checked by the operation itself; required means not absent or null. */
  | { type: "any"; required?: true };

export type Schema = Record<string, Rule>;

type ValueOf<R extends Rule> = R["type"] extends "string"
  ? string
  : R["type"] extends "integer"
    ? number
    : R["type"] extends "boolean"
      ? boolean
      : R["type"] extends "object"
        ? Json
        : R["type"] extends "stringMap" | "config"
          ? Record<string, string>
          : unknown;

export type Body<S extends Schema> = { [K in keyof S]?: ValueOf<S[K]> };

/** The fields of `raw` that `schema` names, checked in declaration order; undefined when absent. */
export function readBody<S extends Schema>(raw: Buffer, model: string, schema: S): Body<S> {
  const body = parseJsonObject(raw);
  for (const name of Object.keys(body)) {
    if (!Object.hasOwn(schema, name)) throw invalidParameter(`Unknown field ${name} in ${model}.`);
  }
  const read: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(schema)) {
    const value = readField(name, body[name], rule);
    if (value !== undefined) read[name] = value;
  }
  return read as Body<S>;
}

function parseJsonObject(body: Buffer): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw invalidParameter("The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter("The request body must be a JSON object.");
  }
  return parsed as Json;
}

function readField(name: string, value: unknown, rule: Rule): unknown {
  if (value === undefined || value === null || (rule.type === "string" && value === "")) {
    if ("required" in rule && rule.required) throw missingParameter(`${name} is required.`);
    if (value === undefined || value === null) return undefined;
  }
  switch (rule.type) {
    case "string": {
      if (typeof value !== "string") throw invalidParameter(`${name} must be a string.`);
      if (rule.nonEmpty && value === "") throw invalidParameter(`${name} must not be empty.`);
      if (rule.maxLength !== undefined && value.length > rule.maxLength) {
        throw invalidParameter(`${name} must be at most ${rule.maxLength} characters.`);
      }
      rule.check?.(value);
      return value;
    }
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw invalidParameter(`${name} must be an integer.`);
      }
      if (value < rule.min || value > rule.max) {
        throw invalidParameter(`${name} must be between ${rule.min} and ${rule.max}, got ${value}.`);
      }
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw invalidParameter(`${name} must be a boolean.`);
      return value;
    case "object":
      return objectField(name, value);
    case "stringMap":
      return stringMap(name, value);
    case "config":
      return config(name, stringMap(name, value));
    case "any":
      return value;
  }
}

function objectField(name: string, value: unknown): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidParameter(`${name} must be an object.`);
  }
  return value as Json;
}

/** freeformTags and similar: an object whose values are all strings. */
function stringMap(name: string, value: unknown): Record<string, string> {
  for (const [key, entry] of Object.entries(objectField(name, value))) {
    if (typeof entry !== "string") throw invalidParameter(`${name}.${key} must be a string.`);
  }
  return { ...(value as Record<string, string>) };
}

// Function and application config become environment variables: OCI allows names a shell would
// accept and at most 4 KB of keys and values together (UTF-8 octets).
const CONFIG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_CONFIG_BYTES = 4096;

function config(name: string, entries: Record<string, string>): Record<string, string> {
  let bytes = 0;
  for (const [key, value] of Object.entries(entries)) {
    if (!CONFIG_KEY.test(key)) {
      throw invalidParameter(
        `${name} key ${JSON.stringify(key)} must be letters, digits and _, not starting with a digit.`,
      );
    }
    bytes += Buffer.byteLength(key, "utf8") + Buffer.byteLength(value, "utf8");
  }
  if (bytes > MAX_CONFIG_BYTES) throw invalidParameter(`${name} exceeds ${MAX_CONFIG_BYTES} bytes.`);
  return entries;
}
