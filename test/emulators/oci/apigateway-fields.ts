// Field readers that carry the JSON path of the value (`specification.routes[0].backend.type`),
// because OCI's 400 InvalidParameter names the offending field and a deployment spec is deep enough
// to need it. With path "" they read a top-level field of a request body (body-schema.ts).
import type { Json } from "../json.ts";
import { invalidParameter } from "./errors.ts";

export type { Json };

/** The name of a field as messages show it: `path.name`, or `name` at the top level. */
const at = (path: string, name: string) => (path ? `${path}.${name}` : name);

export function objectAt(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidParameter(`${path} must be an object.`);
  }
  return value as Json;
}

export function optionalObjectAt(parent: Json, name: string, path: string): Json | undefined {
  const value = parent[name];
  return value === undefined || value === null ? undefined : objectAt(value, at(path, name));
}

export function onlyFields(value: Json, allowed: readonly string[], path: string): void {
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) throw invalidParameter(`${path}.${name} is not a known field.`);
  }
}

export function optionalStringAt(parent: Json, name: string, path: string): string | undefined {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidParameter(`${at(path, name)} must be a string.`);
  return value;
}

export function stringAt(parent: Json, name: string, path: string): string {
  const value = optionalStringAt(parent, name, path);
  if (value === undefined || value === "") throw invalidParameter(`${path}.${name} is required.`);
  return value;
}

export function optionalBooleanAt(parent: Json, name: string, path: string): boolean | undefined {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidParameter(`${at(path, name)} must be a boolean.`);
  return value;
}

export function optionalNumberAt(
  parent: Json,
  name: string,
  path: string,
  range: { min: number; max: number; integer?: boolean },
): number | undefined {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
    throw invalidParameter(`${at(path, name)} must be ${range.integer ? "an integer" : "a number"}.`);
  }
  if (value < range.min || value > range.max) {
    throw invalidParameter(`${at(path, name)} must be between ${range.min} and ${range.max}, got ${value}.`);
  }
  return value;
}

export function optionalArrayAt(parent: Json, name: string, path: string): unknown[] | undefined {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter(`${path}.${name} must be an array.`);
  return value;
}

export function optionalStringsAt(parent: Json, name: string, path: string): string[] | undefined {
  const value = optionalArrayAt(parent, name, path);
  if (value === undefined) return undefined;
  for (const [index, entry] of value.entries()) {
    if (typeof entry !== "string" || entry === "") {
      throw invalidParameter(`${path}.${name}[${index}] must be a non-empty string.`);
    }
  }
  return [...(value as string[])];
}

/** The type discriminator of a polymorphic model (backend, policy), checked against `known`. */
export function typeAt<T extends string>(value: Json, path: string, known: readonly T[]): T {
  const type = stringAt(value, "type", path);
  if (!(known as readonly string[]).includes(type)) {
    throw invalidParameter(`${path}.type ${JSON.stringify(type)} must be one of ${known.join(", ")}.`);
  }
  return type as T;
}
