import type { PolicyToken } from "./policy-tokens.ts";

/**
 * The where clause of a policy statement: `variable =|!= value`, or `any|all {<condition>, ...}`
 * (nested freely); a value is 'text' or a /pattern/ with * wildcards, and "condition matching is case
 * insensitive" (https://docs.oracle.com/iaas/Content/Identity/policysyntax/conditions.htm).
 */
export type PolicyCondition =
  | { kind: "all" | "any"; of: PolicyCondition[] }
  | { kind: "compare"; variable: string; operator: "=" | "!="; value: ConditionValue };

export type ConditionValue = { kind: "text" | "pattern"; text: string };

/** What a request carries for a variable: its value, and values it may carry instead (unsure). */
export interface VariableValue {
  value: string;
  /** The request does not carry this variable: every comparison with it is false (declined). */
  notApplicable?: boolean;
  /** A literal equal to one of these makes the comparison undecidable rather than false. */
  alsoPossible?: string[];
}

/** true, false, or "unknown" when the answer depends on something fngate cannot see. */
export type Verdict = boolean | "unknown";

export type VariableResolver = (variable: string) => VariableValue | undefined;

/** Parses tokens[start..] as a condition; returns it and the index after it, or an error text. */
export function parseCondition(
  tokens: readonly PolicyToken[],
  start: number,
): { condition: PolicyCondition; next: number } | string {
  const first = tokens[start];
  if (first?.kind !== "word") return "a condition must start with a variable, any or all";
  const keyword = first.text.toLowerCase();
  if (!first.quoted && (keyword === "any" || keyword === "all") && isSymbol(tokens[start + 1], "{")) {
    const of: PolicyCondition[] = [];
    let index = start + 2;
    for (;;) {
      const part = parseCondition(tokens, index);
      if (typeof part === "string") return part;
      of.push(part.condition);
      index = part.next;
      if (isSymbol(tokens[index], ",")) index++;
      else if (isSymbol(tokens[index], "}")) return { condition: { kind: keyword, of }, next: index + 1 };
      else return `expected , or } in ${keyword} {...}`;
    }
  }
  const operator = tokens[start + 1];
  const value = tokens[start + 2];
  if (operator?.kind !== "symbol" || (operator.text !== "=" && operator.text !== "!=")) {
    return `expected = or != after ${first.text}`;
  }
  if (!value || value.kind === "symbol") return `expected a value after ${first.text} ${operator.text}`;
  return {
    condition: {
      kind: "compare",
      variable: first.text.toLowerCase(),
      operator: operator.text,
      value: { kind: value.kind === "pattern" ? "pattern" : "text", text: value.text },
    },
    next: start + 3,
  };
}

/** Evaluates a condition for one request; variables the resolver does not know make it "unknown". */
export function evaluateCondition(condition: PolicyCondition, resolve: VariableResolver): Verdict {
  if (condition.kind === "compare") {
    const actual = resolve(condition.variable);
    if (!actual) return "unknown";
    if (actual.notApplicable) return false;
    const equal: Verdict = matches(condition.value, actual.value)
      ? true
      : (actual.alsoPossible ?? []).some((value) => matches(condition.value, value))
        ? "unknown"
        : false;
    if (equal === "unknown") return "unknown";
    return condition.operator === "=" ? equal : !equal;
  }
  const parts = condition.of.map((part) => evaluateCondition(part, resolve));
  const decisive = condition.kind !== "all";
  if (parts.includes(decisive)) return decisive;
  return parts.includes("unknown") ? "unknown" : !decisive;
}

function matches(value: ConditionValue, actual: string): boolean {
  if (value.kind === "text") return value.text.toLowerCase() === actual.toLowerCase();
  const source = value.text
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`).test(actual.toLowerCase());
}

function isSymbol(token: PolicyToken | undefined, text: string): boolean {
  return token?.kind === "symbol" && token.text === text;
}
