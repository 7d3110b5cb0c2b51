import { WaitInterrupted } from "../deadline.ts";
import { UserError } from "../errors.ts";
import { type BodyExpectation, bodyMatches, describeExpectation } from "../http/expect-body.ts";
import { type ProbeOutcome, probe } from "../http/http-probe.ts";
import { type NegativeCheck, tokenFor } from "../http/token-variants.ts";
import { realSleep, sleepOrAbort } from "../oci/backoff.ts";
import type { StepContext } from "./step-context.ts";

export interface SmokeTestInputs {
  url: string;
  method: string;
  token?: string;
  body?: string;
  headers: Record<string, string>;
  expectStatus: number[];
  expectBody?: BodyExpectation;
  unauthorizedStatus: number[];
  negativeChecks: NegativeCheck[];
  /** A second token the API must refuse (wrong audience, another tenant's app). */
  refusedToken?: string;
  /** How long to keep retrying while a fresh deployment propagates. */
  waitSeconds: number;
}

export interface CheckResult {
  check: string;
  expected: string;
  /** The status answered, or "error: <cause>" when no response came. */
  answered: string;
  latencyMs: number;
  attempts: number;
  passed: boolean;
  /** Why it failed, with the body (secrets redacted) cut short. */
  detail?: string;
}

export interface SmokeTestResult {
  passed: boolean;
  results: CheckResult[];
}

/** Statuses that mean "not there yet" right after a deployment, worth retrying until the deadline. */
const PROPAGATING = new Set([404, 502, 503, 504]);
/** A fresh deployment may answer 401 for a little while; more than this and the 401 is real. */
const MAX_PROPAGATION_401S = 5;
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Proves the API answers with the token and refuses without it (and to tokens that differ in one way
 * from a good one). Never sends a token over plain HTTP and never prints one.
 */
export async function runSmokeTest(
  inputs: SmokeTestInputs,
  ctx: StepContext,
  sleep = realSleep,
): Promise<SmokeTestResult> {
  const url = checkUrl(inputs.url, inputs.token !== undefined || inputs.refusedToken !== undefined);
  const started = Date.now();
  const deadline = started + inputs.waitSeconds * 1000;
  const secrets = [inputs.token, inputs.refusedToken].filter((s): s is string => Boolean(s));
  const redact = (text: string) => secrets.reduce((out, secret) => out.split(secret).join("***"), text);
  const send = (token: string | undefined) =>
    probe({
      url,
      method: inputs.method,
      headers: { ...inputs.headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      ...(inputs.body !== undefined ? { body: inputs.body } : {}),
      timeoutMs: REQUEST_TIMEOUT_MS,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  // The step's deadline ends a propagation wait at once, naming what it waited for.
  const pause = (ms: number, what: string) =>
    sleepOrAbort(sleep(ms), ctx.signal, () => new WaitInterrupted(what, ctx.signal?.reason));

  const results: CheckResult[] = [];
  const positiveName = inputs.token === undefined ? "request" : "with token";
  const expected = `${inputs.expectStatus.join(" or ")}${inputs.expectBody ? `, body ${describeExpectation(inputs.expectBody)}` : ""}`;
  let attempts = 0;
  let unauthorized = 0;
  let outcome: ProbeOutcome;
  for (;;) {
    attempts++;
    outcome = await send(inputs.token);
    const status = outcome.kind === "response" ? outcome.status : undefined;
    if (status !== undefined && inputs.expectStatus.includes(status)) break;
    if (status === 401 || status === 403) unauthorized++;
    const retryable =
      status === undefined ||
      PROPAGATING.has(status) ||
      ((status === 401 || status === 403) && unauthorized <= MAX_PROPAGATION_401S);
    if (!retryable || Date.now() >= deadline) break;
    // Doubling, but never above 10% of the time waited so far (or a second): the check passes
    // within ~10% of the gateway's propagation time, without hammering it (bench P1).
    const backoff = Math.min(5000, 250 * 2 ** Math.min(attempts, 5));
    const wait = Math.min(deadline - Date.now(), backoff, Math.max(1000, 0.1 * (Date.now() - started)));
    ctx.logger.info(
      `${positiveName}: ${answeredText(outcome)}; retrying in ${(wait / 1000).toFixed(1)} s while the deployment propagates.`,
    );
    await pause(wait, `waiting for ${url} to answer ${expected} (last answered ${answeredText(outcome)})`);
  }
  results.push(
    judge(positiveName, expected, outcome, attempts, inputs.expectStatus, inputs.expectBody, redact),
  );

  for (const check of inputs.negativeChecks) {
    const name = check;
    if ((check === "tampered-signature" || check === "alg-none") && inputs.token === undefined) {
      ctx.logger.info(`${name}: skipped, there is no token to alter.`);
      continue;
    }
    if (check === "refused-token" && inputs.refusedToken === undefined) continue;
    const negative = await sendWithNetworkRetry(
      () => send(tokenFor(check, inputs.token ?? "", inputs.refusedToken)),
      deadline,
      (ms) => pause(ms, `repeating the ${name} check after a network error`),
    );
    results.push(
      judge(
        name,
        `${inputs.unauthorizedStatus.join(" or ")}`,
        negative.outcome,
        negative.attempts,
        inputs.unauthorizedStatus,
        undefined,
        redact,
      ),
    );
  }
  for (const result of results) {
    const verdict = result.passed ? "ok  " : "FAIL";
    ctx.logger.info(
      `${verdict} ${result.check}: answered ${result.answered} (expected ${result.expected}) in ${result.latencyMs} ms`,
    );
  }
  return { passed: results.every((r) => r.passed), results };
}

export function failureSummary(result: SmokeTestResult): string {
  const failed = result.results.filter((r) => !r.passed);
  const list = failed.map((r) => `${r.check} answered ${r.answered}, expected ${r.expected}`).join("; ");
  return `smoke test failed, ${failed.length} of ${result.results.length} checks: ${list}.`;
}

async function sendWithNetworkRetry(
  send: () => Promise<ProbeOutcome>,
  deadline: number,
  sleep: (ms: number) => Promise<void>,
): Promise<{ outcome: ProbeOutcome; attempts: number }> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const outcome = await send();
    const transient = outcome.kind === "error" || outcome.status === 502 || outcome.status === 503;
    if (!transient || Date.now() >= deadline) return { outcome, attempts };
    await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
  }
}

function judge(
  check: string,
  expected: string,
  outcome: ProbeOutcome,
  attempts: number,
  statuses: number[],
  expectBody: BodyExpectation | undefined,
  redact: (text: string) => string,
): CheckResult {
  const base = { check, expected, answered: answeredText(outcome), latencyMs: outcome.latencyMs, attempts };
  if (outcome.kind === "error") return { ...base, passed: false, detail: `no response: ${outcome.message}` };
  if (!statuses.includes(outcome.status)) {
    return { ...base, passed: false, detail: `body: ${clip(redact(outcome.body))}` };
  }
  if (expectBody && !bodyMatches(outcome.body, expectBody)) {
    return {
      ...base,
      answered: `${outcome.status} with another body`,
      passed: false,
      detail: `body: ${clip(redact(outcome.body))}`,
    };
  }
  return { ...base, passed: true };
}

function answeredText(outcome: ProbeOutcome): string {
  return outcome.kind === "response" ? String(outcome.status) : `error: ${outcome.message}`;
}

function checkUrl(value: string, sendsToken: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`url ${JSON.stringify(value.slice(0, 80))} is not a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new UserError(`url must be an https:// URL.`);
  if (url.protocol === "http:" && sendsToken) {
    throw new UserError(
      "url is http://: a bearer token must not travel unencrypted; use the https:// endpoint.",
    );
  }
  return url.toString();
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
