import { type Document, isAlias, isMap, isScalar, isSeq, type ParsedNode, parseDocument } from "yaml";
import { UserError } from "../../errors.ts";

/**
 * The parts of an fn func.yaml that decide how a function is built and deployed. Field names follow
 * fnproject/cli common/funcfile.go (FuncFileV20180708); keys fngate does not use (triggers,
 * annotations, deploy, signing_details, …) are ignored, as fn's own non-strict decoder ignores unknown keys.
 */
export interface FuncYaml {
  schemaVersion?: number;
  name?: string;
  version?: string;
  runtime?: string;
  buildImage?: string;
  runImage?: string;
  entrypoint?: string;
  cmd?: string;
  /** MB. */
  memory?: number;
  /** Seconds. */
  timeout?: number;
  config?: Record<string, string>;
  /** Shell commands fn runs in the function directory before `docker build`. */
  build?: string[];
}

type StringField = "name" | "version" | "runtime" | "buildImage" | "runImage" | "entrypoint" | "cmd";

const STRING_FIELDS: Record<string, StringField> = {
  name: "name",
  version: "version",
  runtime: "runtime",
  build_image: "buildImage",
  run_image: "runImage",
  entrypoint: "entrypoint",
  cmd: "cmd",
};

/** fn stores timeout as *int32, so anything wider fails its decoder. */
const INT32_MAX = 2 ** 31 - 1;

/**
 * Parses func.yaml text. `file` names the file in error messages. Read the way fn reads it, with
 * gopkg.in/yaml.v2: YAML 1.1, and a repeated key silently overriding the earlier one, so that a file
 * `fn deploy` accepts is accepted here too. Stricter than fn only where fn would truncate (memory: 1.5).
 */
export function parseFuncYaml(text: string, file: string): FuncYaml {
  const doc = parseDocument(text, { version: "1.1", uniqueKeys: false });
  const problem = doc.errors[0];
  if (problem) {
    const firstLine = problem.message.split("\n")[0] ?? problem.message;
    throw new UserError(`${file} is not valid YAML: ${firstLine}`);
  }
  const root = resolve(doc, doc.contents);
  if (root === null || (isScalar(root) && root.value === null)) return {};
  if (!isMap(root)) {
    throw new UserError(`${file} must be a YAML mapping (runtime: …, entrypoint: …), not a ${kindOf(root)}`);
  }

  const result: FuncYaml = {};
  for (const item of root.items) {
    const keyNode = resolve(doc, item.key as ParsedNode | null);
    const key = keyNode !== null && isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === undefined) continue;
    const node = resolve(doc, item.value as ParsedNode | null);
    if (isNull(node)) continue;

    const stringField = STRING_FIELDS[key];
    if (stringField) {
      result[stringField] = scalarText(node, file, key);
    } else if (key === "schema_version") {
      result.schemaVersion = wholeNumber(node, file, key, "a whole number (schema_version: 20180708)", 0);
    } else if (key === "memory") {
      result.memory = wholeNumber(node, file, key, "a whole number of MB (memory: 256)", 0);
    } else if (key === "timeout") {
      const timeout = wholeNumber(node, file, key, "a whole number of seconds (timeout: 30)", -INT32_MAX - 1);
      if (timeout > INT32_MAX) throw new UserError(`${file}: timeout ${timeout} is too large`);
      result.timeout = timeout;
    } else if (key === "config") {
      result.config = stringMap(doc, node, file, key);
    } else if (key === "build") {
      result.build = stringList(doc, node, file, key);
    }
  }
  return result;
}

function resolve(doc: Document.Parsed, node: ParsedNode | null): ParsedNode | null {
  if (node !== null && isAlias(node)) return (node.resolve(doc) as ParsedNode | undefined) ?? null;
  return node;
}

function isNull(node: ParsedNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/**
 * yaml.v2 fills a Go string field from any scalar's source text, so `version: 1.10` stays "1.10"
 * and `name: 123` is "123"; a list or mapping there is an error.
 */
function scalarText(node: ParsedNode | null, file: string, field: string): string {
  if (node === null || !isScalar(node)) {
    throw new UserError(`${file}: ${field} must be a string, not a ${kindOf(node)}`);
  }
  if (typeof node.value === "string") return node.value;
  return node.source ?? String(node.value);
}

function wholeNumber(
  node: ParsedNode | null,
  file: string,
  field: string,
  expected: string,
  min: number,
): number {
  const value = node !== null && isScalar(node) ? node.value : undefined;
  const number = typeof value === "bigint" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number < min) {
    throw new UserError(`${file}: ${field} must be ${expected}, got ${describe(node)}`);
  }
  return number;
}

function stringMap(
  doc: Document.Parsed,
  node: ParsedNode | null,
  file: string,
  field: string,
): Record<string, string> {
  if (node === null || !isMap(node)) {
    throw new UserError(`${file}: ${field} must be a mapping of names to strings, not a ${kindOf(node)}`);
  }
  const map: Record<string, string> = {};
  for (const item of node.items) {
    const key = scalarText(resolve(doc, item.key as ParsedNode | null), file, `${field} key`);
    const value = resolve(doc, item.value as ParsedNode | null);
    // yaml.v2 stores an empty value in a map[string]string as "".
    map[key] = isNull(value) ? "" : scalarText(value, file, `${field}.${key}`);
  }
  return map;
}

function stringList(doc: Document.Parsed, node: ParsedNode | null, file: string, field: string): string[] {
  if (node === null || !isSeq(node)) {
    throw new UserError(`${file}: ${field} must be a list of shell commands, not a ${kindOf(node)}`);
  }
  return node.items.map((item, index) =>
    scalarText(resolve(doc, item as ParsedNode | null), file, `${field}[${index}]`),
  );
}

function kindOf(node: ParsedNode | null): string {
  if (node === null) return "empty value";
  if (isMap(node)) return "mapping";
  if (isSeq(node)) return "list";
  if (isScalar(node)) return typeof node.value === "string" ? "string" : `${typeof node.value}`;
  return "value";
}

function describe(node: ParsedNode | null): string {
  if (node !== null && isScalar(node)) {
    const text = node.source ?? String(node.value);
    const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
    const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
    return quoted ? `${shown} (quoted, so a string)` : shown;
  }
  return `a ${kindOf(node)}`;
}
