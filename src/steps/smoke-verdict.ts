import { type BodyExpectation, bodyMatches } from "../http/expect-body.ts";
import type { ProbeOutcome } from "../http/http-probe.ts";
import type { Redact } from "../http/token-redaction.ts";

/**
 * How one smoke check's answer becomes its verdict. Outcomes reach here already redacted (every token
 * and every variant derived from one hidden), so nothing below can put a token into a result.
 */
export interface CheckResult {
  check: string;
  expected: string;
  /** The status answered, or "error: <cause>" when no response came. */
  answered: string;
  latencyMs: number;
  attempts: number;
  passed: boolean;
  /** Why it failed, with the body (secrets redacted) cut short where bodies are shown. */
  detail?: string;
  /** The likely cause of a failed positive check and its fix (smoke-diagnosis), never token text. */
  cause?: string;
}

export interface SmokeTestResult {
  passed: boolean;
  results: CheckResult[];
}

export interface Judgement {
  check: string;
  expected: string;
  outcome: ProbeOutcome;
  attempts: number;
  statuses: readonly number[];
  expectBody?: BodyExpectation | undefined;
  /**
   * Whether a failure's detail may quote the body. Off for negative checks unless asked: the body of an
   * API that let an altered token in is the API's answer to that token, often an echo of it.
   */
  showBody: boolean;
  /** Said in place of the body when it is not shown. */
  withheld?: string;
}

export function judge(j: Judgement): CheckResult {
  const { outcome } = j;
  const base = {
    check: j.check,
    expected: j.expected,
    answered: answeredText(outcome),
    latencyMs: outcome.latencyMs,
    attempts: j.attempts,
  };
  if (outcome.kind === "error") return { ...base, passed: false, detail: `no response: ${outcome.message}` };
  const detail = j.showBody ? `body: ${clip(outcome.body)}` : (j.withheld ?? "body not shown");
  if (!j.statuses.includes(outcome.status)) return { ...base, passed: false, detail };
  if (j.expectBody && !bodyMatches(outcome.body, j.expectBody)) {
    return { ...base, answered: `${outcome.status} with another body`, passed: false, detail };
  }
  return { ...base, passed: true };
}

export function answeredText(outcome: ProbeOutcome): string {
  return outcome.kind === "response" ? String(outcome.status) : `error: ${outcome.message}`;
}

/** The outcome with every token (and every variant of one) hidden in whatever the API answered. */
export function redactOutcome(outcome: ProbeOutcome, redact: Redact): ProbeOutcome {
  if (outcome.kind === "error") return { ...outcome, message: redact(outcome.message) };
  const { wwwAuthenticate, ...rest } = outcome;
  return {
    ...rest,
    body: redact(outcome.body),
    ...(wwwAuthenticate === undefined ? {} : { wwwAuthenticate: redact(wwwAuthenticate) }),
  };
}

export function failureSummary(result: SmokeTestResult): string {
  const failed = result.results.filter((r) => !r.passed);
  const list = failed
    .map(
      (r) =>
        `${r.check} answered ${r.answered}, expected ${r.expected}${r.cause ? ` (likely cause: ${r.cause.replace(/\.$/, "")})` : ""}`,
    )
    .join("; ");
  return `smoke test failed, ${failed.length} of ${result.results.length} checks: ${list}.`;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
