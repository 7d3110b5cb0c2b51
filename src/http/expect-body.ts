import { UserError } from "../errors.ts";

/**
 * What the response body must contain: a substring, a /regex/ with flags, or a JSON subset (every key
 * and value given must appear in the body's JSON, recursively; arrays must match element by element).
 */
export type BodyExpectation =
  | { kind: "substring"; text: string }
  | { kind: "regex"; pattern: RegExp }
  | { kind: "json-subset"; value: unknown };

export function parseBodyExpectation(raw: string, inputName: string): BodyExpectation {
  const text = raw.trim();
  const regex = /^\/(.+)\/([dgimsuy]*)$/s.exec(text);
  if (regex) {
    try {
      return { kind: "regex", pattern: new RegExp(regex[1] ?? "", regex[2]) };
    } catch (error) {
      throw new UserError(`${inputName} is not a valid regular expression: ${(error as Error).message}.`);
    }
  }
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      return { kind: "json-subset", value: JSON.parse(text) };
    } catch {
      throw new UserError(
        `${inputName} starts like JSON but does not parse; quote it as /regex/ or fix the JSON.`,
      );
    }
  }
  return { kind: "substring", text: raw };
}

export function bodyMatches(body: string, expectation: BodyExpectation): boolean {
  switch (expectation.kind) {
    case "substring":
      return body.includes(expectation.text);
    case "regex":
      return expectation.pattern.test(body);
    case "json-subset":
      try {
        return isSubset(expectation.value, JSON.parse(body));
      } catch {
        return false;
      }
  }
}

export function describeExpectation(expectation: BodyExpectation): string {
  switch (expectation.kind) {
    case "substring":
      return `contains ${JSON.stringify(expectation.text)}`;
    case "regex":
      return `matches ${expectation.pattern}`;
    case "json-subset":
      return `includes JSON ${JSON.stringify(expectation.value)}`;
  }
}

function isSubset(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      expected.length === actual.length &&
      expected.every((e, i) => isSubset(e, actual[i]))
    );
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) =>
      isSubset(value, (actual as Record<string, unknown>)[key]),
    );
  }
  return Object.is(expected, actual);
}
