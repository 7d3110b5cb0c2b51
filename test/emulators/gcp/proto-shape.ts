// Strict request bodies: every JSON field the Cloud Run REST client sends is checked against the
// google.cloud.run.v2 message definitions shipped with @google-cloud/run (protos.json), the way the
// real API answers "Invalid JSON payload received. Unknown name ..." for a field it does not know.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { words } from "../word-list.ts";

interface ProtoField {
  type: string;
  rule?: string;
  keyType?: string;
}
interface ProtoNode {
  fields?: Record<string, ProtoField>;
  values?: Record<string, number>;
  nested?: Record<string, ProtoNode>;
}

const require = createRequire(import.meta.url);
const protosFile = join(
  dirname(require.resolve("@google-cloud/run/package.json")),
  "build/protos/protos.json",
);
const root = JSON.parse(readFileSync(protosFile, "utf8")) as ProtoNode;

function lookup(path: string): ProtoNode | undefined {
  let node: ProtoNode | undefined = root;
  for (const part of path.split(".")) node = node?.nested?.[part];
  return node;
}

/** Resolves a field's type name as protobuf does: from the innermost scope outwards. */
function resolve(type: string, scope: string): { node: ProtoNode; path: string } | undefined {
  const parts = scope.split(".");
  for (let length = parts.length; length >= 0; length--) {
    const path = [...parts.slice(0, length), type].join(".");
    const node = lookup(path);
    if (node) return { node, path };
  }
  return undefined;
}

const SCALARS = new Set(
  words(`string bytes bool int32 int64 uint32 uint64 sint32 sint64 fixed32 fixed64 sfixed32 sfixed64 double
  float`),
);
// Well-known types in their JSON form.
const JSON_STRINGS = new Set([
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  "google.protobuf.FieldMask",
]);

/** Problems with `value` as a `typePath` message, as "<field path>: <what>"; empty when it fits. */
export function shapeProblems(value: unknown, typePath: string, at = ""): string[] {
  const node = lookup(typePath);
  if (!node?.fields) return [`${at || "body"}: unknown message type ${typePath}`];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [`${at || "body"}: expected an object`];
  }
  const problems: string[] = [];
  for (const [key, fieldValue] of Object.entries(value)) {
    const field = node.fields[key];
    const where = at ? `${at}.${key}` : key;
    if (!field) {
      problems.push(`${where}: Unknown name "${key}": Cannot find field.`);
      continue;
    }
    if (fieldValue === null) continue;
    if (field.keyType) {
      if (typeof fieldValue !== "object" || Array.isArray(fieldValue))
        problems.push(`${where}: expected a map`);
      continue;
    }
    const items = field.rule === "repeated" ? fieldValue : [fieldValue];
    if (!Array.isArray(items)) {
      problems.push(`${where}: expected a list`);
      continue;
    }
    for (const [index, item] of items.entries()) {
      const itemAt = field.rule === "repeated" ? `${where}[${index}]` : where;
      problems.push(...fieldProblems(item, field.type, typePath, itemAt));
    }
  }
  return problems;
}

function fieldProblems(value: unknown, type: string, scope: string, at: string): string[] {
  if (SCALARS.has(type)) return scalarProblems(value, type, at);
  const resolved = resolve(type, scope);
  if (!resolved) return [];
  if (JSON_STRINGS.has(resolved.path)) return typeof value === "string" ? [] : [`${at}: expected a string`];
  if (resolved.path === "google.protobuf.Any" || resolved.path.startsWith("google.protobuf.")) return [];
  if (resolved.node.values) {
    const names = Object.keys(resolved.node.values);
    const numbers = Object.values(resolved.node.values);
    const ok =
      (typeof value === "string" && names.includes(value)) ||
      (typeof value === "number" && numbers.includes(value));
    return ok ? [] : [`${at}: Invalid value for enum ${resolved.path}: ${JSON.stringify(value)}`];
  }
  return shapeProblems(value, resolved.path, at);
}

function scalarProblems(value: unknown, type: string, at: string): string[] {
  if (type === "bool") return typeof value === "boolean" ? [] : [`${at}: expected true or false`];
  if (type === "string" || type === "bytes")
    return typeof value === "string" ? [] : [`${at}: expected a string`];
  const numeric = typeof value === "number" || (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value));
  return numeric ? [] : [`${at}: expected a number`];
}

/** An enum's name for a value given as its name or its number. */
export function enumName(enumPath: string, value: unknown): string | undefined {
  const values = lookup(enumPath)?.values ?? {};
  if (typeof value === "string" && value in values) return value;
  return Object.entries(values).find(([, number]) => number === value)?.[0];
}

export function enumNumber(enumPath: string, name: string): number {
  return lookup(enumPath)?.values?.[name] ?? 0;
}
