// Field checks for request bodies, on top of json-body.ts: OCI rejects fields the model does not
// have, wrong types and out-of-range numbers with 400 InvalidParameter naming the field, so a
// client bug shows up here as it would against Oracle Cloud instead of being silently ignored.
import type { Json } from "../json.ts";
import { optionalBooleanAt, optionalNumberAt, optionalObjectAt } from "./apigateway-fields.ts";
import { invalidParameter } from "./errors.ts";

export function rejectUnknownFields(body: Json, allowed: readonly string[], modelName: string): void {
  for (const name of Object.keys(body)) {
    if (!allowed.includes(name)) throw invalidParameter(`Unknown field ${name} in ${modelName}.`);
  }
}

export function optionalInteger(
  body: Json,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  return optionalNumberAt(body, name, "", { ...range, integer: true });
}

export function optionalBoolean(body: Json, name: string): boolean | undefined {
  return optionalBooleanAt(body, name, "");
}

export function optionalObject(body: Json, name: string): Json | undefined {
  return optionalObjectAt(body, name, "");
}

/** freeformTags and similar: an object whose values are all strings. */
export function optionalStringMap(body: Json, name: string): Record<string, string> | undefined {
  const value = optionalObject(body, name);
  if (value === undefined) return undefined;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== "string") throw invalidParameter(`${name}.${key} must be a string.`);
  }
  return { ...(value as Record<string, string>) };
}

export function optionalStringArray(body: Json, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string")) {
    throw invalidParameter(`${name} must be an array of strings.`);
  }
  return [...(value as string[])];
}

// Function and application config become environment variables: OCI allows names a shell would
// accept and at most 4 KB of keys and values together (UTF-8 octets).
const CONFIG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_CONFIG_BYTES = 4096;

export function optionalConfig(body: Json, name: string): Record<string, string> | undefined {
  const config = optionalStringMap(body, name);
  if (config === undefined) return undefined;
  let bytes = 0;
  for (const [key, value] of Object.entries(config)) {
    if (!CONFIG_KEY.test(key)) {
      throw invalidParameter(
        `${name} key ${JSON.stringify(key)} must be letters, digits and _, not starting with a digit.`,
      );
    }
    bytes += Buffer.byteLength(key, "utf8") + Buffer.byteLength(value, "utf8");
  }
  if (bytes > MAX_CONFIG_BYTES) throw invalidParameter(`${name} exceeds ${MAX_CONFIG_BYTES} bytes.`);
  return config;
}
