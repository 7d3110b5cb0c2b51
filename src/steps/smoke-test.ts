import { WaitInterrupted } from "../deadline.ts";
import { UserError } from "../errors.ts";
import { type BodyExpectation, describeExpectation } from "../http/expect-body.ts";
import { checkExpiredToken } from "../http/expired-token.ts";
import { checkHeaderValue } from "../http/header-values.ts";
import { type ProbeOutcome, probe } from "../http/http-probe.ts";
import { proxyFor, withoutCredentials } from "../http/runner-proxy.ts";
import { tokenRedactor } from "../http/token-redaction.ts";
import { type NegativeCheck, tamperSignature } from "../http/token-variants.ts";
import { realSleep, sleepOrAbort } from "../retry/backoff.ts";
import type { StepContext } from "../step-context.ts";
import { type DeployedContext, failureCause } from "./smoke-failure-cause.ts";
import { runNegativeChecks } from "./smoke-negative-checks.ts";
import type { SmokePlatform } from "./smoke-platform-causes.ts";
import { answeredText, judge, redactOutcome, type SmokeTestResult } from "./smoke-verdict.ts";

export { type CheckResult, failureSummary, type SmokeTestResult } from "./smoke-verdict.ts";

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
  /** A second token the API must refuse (wrong audience, another tenant's app, a client without the role). */
  refusedToken?: string;
  /** A token of this API its issuer signed that has expired. */
  expiredToken?: string;
  /** The JWKS that signs the API's tokens, for hs256-key-confusion. */
  jwksUri?: string;
  /** Quote the (redacted) body of a negative check the API did not refuse. */
  negativeCheckBodies: boolean;
  /** How long to keep retrying while a fresh deployment propagates. */
  waitSeconds: number;
  /** Set by the pipeline: what gateway-deploy deployed, compared with a failure to explain it. */
  deployed?: DeployedContext;
  /** Set by the Cloud Run and Function Compute pipelines: who answers the URL, to explain a failure. */
  platform?: SmokePlatform;
}

/** Statuses that mean "not there yet" right after a deployment, worth retrying until the deadline. */
const PROPAGATING = new Set([404, 502, 503, 504]);
/** A fresh deployment may answer 401 for a little while; more than this and the 401 is real. */
const MAX_PROPAGATION_401S = 5;
const REQUEST_TIMEOUT_MS = 15_000;
/** Header values shorter than this are not secrets worth hiding in an API's answer (PEM lines likewise). */
const MIN_REDACTED_HEADER = 8;

/**
 * Proves the API answers with the token and refuses without it (and to tokens that differ in one way
 * from a good one). Never sends a token over plain HTTP and never prints one, nor anything derived
 * from one: every answer is redacted before it is judged or logged.
 */
export async function runSmokeTest(
  inputs: SmokeTestInputs,
  ctx: StepContext,
  sleep = realSleep,
): Promise<SmokeTestResult> {
  const sendsToken = [inputs.token, inputs.refusedToken, inputs.expiredToken].some((t) => t !== undefined);
  const url = checkUrl(inputs.url, sendsToken);
  checkSendable(inputs);
  if (inputs.expiredToken !== undefined && inputs.negativeChecks.includes("expired-token")) {
    checkExpiredToken(inputs.expiredToken, inputs.token, ctx.now());
  }
  // The tampered variant gives the token back to anyone who flips its bit again: as secret as the token.
  if (inputs.token) ctx.secrets.register(tamperSignature(inputs.token));
  const redact = tokenRedactor([
    inputs.token,
    inputs.refusedToken,
    inputs.expiredToken,
    ...Object.values(inputs.headers).filter((value) => value.length >= MIN_REDACTED_HEADER),
  ]);
  const started = Date.now();
  const deadline = started + inputs.waitSeconds * 1000;
  // Named (without credentials) when a request fails: a dead proxy is then what the line points at.
  const via = proxyFor(url, ctx.proxy);
  const proxy = via === undefined ? undefined : withoutCredentials(via);
  const send = async (token: string | undefined) =>
    redactOutcome(
      await probe({
        url,
        method: inputs.method,
        headers: { ...inputs.headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        ...(inputs.body !== undefined ? { body: inputs.body } : {}),
        timeoutMs: REQUEST_TIMEOUT_MS,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(proxy ? { proxy } : {}),
      }),
      redact,
    );
  // The step's deadline ends a propagation wait at once, naming what it waited for.
  const pause = (ms: number, what: string) =>
    sleepOrAbort(sleep(ms), ctx.signal, () => new WaitInterrupted(what, ctx.signal?.reason));

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
    // Doubling, but never above 5% of the time waited so far (or a quarter second): the check passes
    // within ~5% of the gateway's propagation time (bench P1). At most four requests a second, for
    // the first five seconds, to a route not yet live (the gateway answers 404 itself; no back end is
    // called), on a deployment whose only rate limit is one its specification sets, which fngate's
    // does not: https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewaylimitingbackendaccess.htm
    const backoff = Math.min(5000, 250 * 2 ** Math.min(attempts, 5));
    const wait = Math.min(deadline - Date.now(), backoff, Math.max(250, 0.05 * (Date.now() - started)));
    ctx.logger.info(
      `${positiveName}: ${answeredText(outcome)}; retrying in ${(wait / 1000).toFixed(1)} s while the deployment propagates.`,
    );
    await pause(wait, `waiting for ${url} to answer ${expected} (last answered ${answeredText(outcome)})`);
  }
  const positive = judge({
    check: positiveName,
    expected,
    outcome,
    attempts,
    statuses: inputs.expectStatus,
    expectBody: inputs.expectBody,
    showBody: true,
  });
  if (!positive.passed && outcome.kind === "response") {
    const cause = await failureCause(
      {
        status: outcome.status,
        url,
        method: inputs.method,
        token: inputs.token,
        ...(inputs.platform ? { platform: inputs.platform } : {}),
      },
      inputs.deployed,
      ctx.endpoints.oci,
      Math.floor(ctx.now().getTime() / 1000),
    );
    if (cause) positive.cause = cause;
  }
  const results = [
    positive,
    ...(await runNegativeChecks(
      {
        checks: inputs.negativeChecks,
        tokens: { token: inputs.token, refusedToken: inputs.refusedToken, expiredToken: inputs.expiredToken },
        jwksUri: inputs.jwksUri,
        unauthorizedStatus: inputs.unauthorizedStatus,
        showBodies: inputs.negativeCheckBodies,
        send,
        deadline,
        pause,
      },
      ctx,
    )),
  ];
  for (const result of results) {
    const verdict = result.passed ? "ok  " : "FAIL";
    ctx.logger.info(
      `${verdict} ${result.check}: answered ${result.answered} (expected ${result.expected}) in ${result.latencyMs} ms`,
    );
    if (result.cause) ctx.logger.info(`     likely cause: ${result.cause}`);
  }
  return { passed: results.every((r) => r.passed), results };
}

/** Every value that becomes a header must be one fetch can send; its error would quote the value. */
function checkSendable(inputs: SmokeTestInputs): void {
  if (inputs.token !== undefined) checkHeaderValue(inputs.token, "token");
  if (inputs.refusedToken !== undefined) checkHeaderValue(inputs.refusedToken, "refused-token");
  if (inputs.expiredToken !== undefined) checkHeaderValue(inputs.expiredToken, "expired-token");
  for (const [name, value] of Object.entries(inputs.headers)) checkHeaderValue(value, `headers ${name}`);
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
