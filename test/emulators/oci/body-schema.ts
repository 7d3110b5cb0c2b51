// Request bodies as OCI validates them, declared once per operation: a JSON object holding only the
// fields its model has, each of the right type and range, or a 400 naming the field (InvalidParameter;
// MissingParameter for a required one that is absent), so a client bug shows up here as it would
// against Oracle Cloud instead of being silently ignored.
import {
  type Json,
  objectAt,
  optionalBooleanAt,
  optionalNumberAt,
  optionalStringAt,
} from "./apigateway-fields.ts";
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
    const value = readField(body, name, rule);
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

/** One top-level field, with the same readers (and messages) as the deployment specification's. */
function readField(body: Json, name: string, rule: Rule): unknown {
  const value = body[name];
  if (value === undefined || value === null || (rule.type === "string" && value === "")) {
    if ("required" in rule && rule.required) throw missingParameter(`${name} is required.`);
    if (value === undefined || value === null) return undefined;
  }
  switch (rule.type) {
    case "string": {
      const text = optionalStringAt(body, name, "") ?? "";
      if (rule.nonEmpty && text === "") throw invalidParameter(`${name} must not be empty.`);
      if (rule.maxLength !== undefined && text.length > rule.maxLength) {
        throw invalidParameter(`${name} must be at most ${rule.maxLength} characters.`);
      }
      rule.check?.(text);
      return text;
    }
    case "integer":
      return optionalNumberAt(body, name, "", { ...rule, integer: true });
    case "boolean":
      return optionalBooleanAt(body, name, "");
    case "object":
      return objectAt(value, name);
    case "stringMap":
      return stringMap(name, value);
    case "config":
      return config(name, stringMap(name, value));
    case "any":
      return value;
  }
}

/** freeformTags and similar: an object whose values are all strings. */
function stringMap(name: string, value: unknown): Record<string, string> {
  for (const [key, entry] of Object.entries(objectAt(value, name))) {
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
