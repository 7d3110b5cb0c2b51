import { type PolicyCondition, parseCondition } from "./policy-condition.ts";
import { type PolicyToken, tokenizeStatement } from "./policy-tokens.ts";

/**
 * One OCI IAM policy statement, read as Oracle documents the grammar
 * (https://docs.oracle.com/iaas/Content/Identity/Concepts/policysyntax.htm):
 *   Allow <subject> to <verb> <resource-type> in <location> [where <conditions>]
 *   Allow <subject> to {PERMISSION, ...} in <location> [where <conditions>]
 * Keywords are case-insensitive. A subject is any-user, any-group, or a comma-separated list of
 * group / dynamic-group / service principals by name (optionally 'Domain'/'Name' for an identity
 * domain) or by `id <ocid>`. A location is `tenancy`, `compartment id <ocid>`, or `compartment
 * <name>[:<name>...]`, a path relative to the compartment the policy is attached to
 * (https://docs.oracle.com/iaas/Content/Identity/policysyntax/location.htm).
 */
export interface PolicyStatement {
  subject: PolicySubject;
  access: PolicyAccess;
  location: PolicyLocation;
  condition?: PolicyCondition;
}

export type PolicySubject =
  | { kind: "any-user" }
  | { kind: "any-group" }
  | { kind: "principals"; principals: Principal[] };

export interface Principal {
  /** group, dynamic-group, service, ... as written (lower case). */
  type: string;
  name?: string;
  /** The identity domain of a 'Domain'/'Name' principal. */
  domain?: string;
  id?: string;
}

export type PolicyAccess = { verb: string; resourceType: string } | { permissions: string[] };

export type PolicyLocation =
  | { kind: "tenancy" }
  | { kind: "compartment-id"; id: string }
  | { kind: "compartment-path"; path: string[] };

export type ParsedStatement = { ok: true; statement: PolicyStatement } | { ok: false; reason: string };

export function parseStatement(text: string): ParsedStatement {
  const tokens = tokenizeStatement(text);
  if (typeof tokens === "string") return { ok: false, reason: tokens };
  const reader = new Reader(tokens);
  if (!reader.keyword("allow")) {
    return {
      ok: false,
      reason: "not an Allow statement (Define, Endorse, Admit and Deny grant nothing here)",
    };
  }
  const subject = readSubject(reader);
  if (typeof subject === "string") return { ok: false, reason: subject };
  const access = readAccess(reader);
  if (typeof access === "string") return { ok: false, reason: access };
  if (!reader.keyword("in")) return { ok: false, reason: "expected `in <location>`" };
  const location = readLocation(reader);
  if (typeof location === "string") return { ok: false, reason: location };
  const statement: PolicyStatement = { subject, access, location };
  if (reader.done()) return { ok: true, statement };
  if (!reader.keyword("where"))
    return { ok: false, reason: `unexpected ${JSON.stringify(reader.peekText())}` };
  const parsed = parseCondition(tokens, reader.index);
  if (typeof parsed === "string") return { ok: false, reason: parsed };
  reader.index = parsed.next;
  if (!reader.done()) return { ok: false, reason: `unexpected ${JSON.stringify(reader.peekText())}` };
  return { ok: true, statement: { ...statement, condition: parsed.condition } };
}

function readSubject(reader: Reader): PolicySubject | string {
  if (reader.keyword("any-user")) return reader.keyword("to") ? { kind: "any-user" } : "expected `to`";
  if (reader.keyword("any-group")) return reader.keyword("to") ? { kind: "any-group" } : "expected `to`";
  const principals: Principal[] = [];
  let type: string | undefined;
  for (;;) {
    const word = reader.word();
    if (!word) return "expected a subject";
    const lower = word.text.toLowerCase();
    if (!word.quoted && PRINCIPAL_TYPES.has(lower)) {
      type = lower;
      continue;
    }
    if (!type) return `unknown subject ${JSON.stringify(word.text)}`;
    if (!word.quoted && lower === "id") {
      const id = reader.word();
      if (!id) return "expected an OCID after id";
      principals.push({ type, id: id.text });
    } else {
      const slash = word.text.indexOf("/");
      principals.push(
        slash > 0
          ? { type, domain: word.text.slice(0, slash), name: word.text.slice(slash + 1) }
          : { type, name: word.text },
      );
    }
    if (reader.symbol(",")) continue;
    if (reader.keyword("to")) return { kind: "principals", principals };
    return "expected , or `to` after the subject";
  }
}

const PRINCIPAL_TYPES = new Set(["group", "dynamic-group", "service", "user", "resource"]);

function readAccess(reader: Reader): PolicyAccess | string {
  if (reader.symbol("{")) {
    const permissions: string[] = [];
    for (;;) {
      const word = reader.word();
      if (!word) return "expected a permission in {...}";
      permissions.push(word.text.toUpperCase());
      if (reader.symbol(",")) continue;
      if (reader.symbol("}")) return { permissions };
      return "expected , or } in the permission list";
    }
  }
  const verb = reader.word();
  const resourceType = reader.word();
  if (!verb || !resourceType) return "expected <verb> <resource-type>";
  return { verb: verb.text.toLowerCase(), resourceType: resourceType.text.toLowerCase() };
}

function readLocation(reader: Reader): PolicyLocation | string {
  if (reader.keyword("tenancy")) return { kind: "tenancy" };
  if (!reader.keyword("compartment")) return "expected tenancy or compartment after `in`";
  if (reader.keyword("id")) {
    const id = reader.word();
    return id ? { kind: "compartment-id", id: id.text } : "expected an OCID after `compartment id`";
  }
  const name = reader.word();
  if (!name || name.text === "") return "expected a compartment name";
  return { kind: "compartment-path", path: name.text.split(":") };
}

class Reader {
  index = 0;
  readonly #tokens: readonly PolicyToken[];

  constructor(tokens: readonly PolicyToken[]) {
    this.#tokens = tokens;
  }

  done(): boolean {
    return this.index >= this.#tokens.length;
  }

  peekText(): string {
    return this.#tokens[this.index]?.text ?? "";
  }

  /** Consumes an unquoted word equal to `text` (any case). */
  keyword(text: string): boolean {
    const token = this.#tokens[this.index];
    if (token?.kind !== "word" || token.quoted || token.text.toLowerCase() !== text) return false;
    this.index++;
    return true;
  }

  word(): { text: string; quoted: boolean } | undefined {
    const token = this.#tokens[this.index];
    if (token?.kind !== "word") return undefined;
    this.index++;
    return token;
  }

  symbol(text: string): boolean {
    const token = this.#tokens[this.index];
    if (token?.kind !== "symbol" || token.text !== text) return false;
    this.index++;
    return true;
  }
}
