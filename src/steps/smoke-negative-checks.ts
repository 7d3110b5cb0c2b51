import type { ProbeOutcome } from "../http/http-probe.ts";
import {
  ALTERS_TOKEN,
  type CheckTokens,
  type NegativeCheck,
  TOKEN_INPUT_CHECKS,
  tokenFor,
} from "../http/token-variants.ts";
import type { StepContext } from "../step-context.ts";
import { type CheckResult, judge } from "./smoke-verdict.ts";

/**
 * The negative checks: each sends what a correctly guarded API must refuse and expects one of the
 * unauthorized statuses. A network error or a 502/503 is repeated until the deadline (a refusal is
 * what is being proven, and a dropped connection proves nothing).
 */
export interface NegativeChecks {
  checks: readonly NegativeCheck[];
  tokens: CheckTokens;
  /** The API's JWKS, for hs256-key-confusion. */
  jwksUri: string | undefined;
  unauthorizedStatus: readonly number[];
  /** Whether a failed check's detail quotes the API's (redacted) body. */
  showBodies: boolean;
  /** Sends one request with this bearer token (none when undefined); its outcome comes back redacted. */
  send(token: string | undefined): Promise<ProbeOutcome>;
  deadline: number;
  pause(ms: number, what: string): Promise<void>;
}

const WITHHELD =
  "the API did not refuse it; its body is not shown (negative-check-bodies: true shows it, tokens redacted)";

export async function runNegativeChecks(run: NegativeChecks, ctx: StepContext): Promise<CheckResult[]> {
  const expected = run.unauthorizedStatus.join(" or ");
  // The checks are independent requests: sent at once, they cost the slowest one, not the sum (the
  // smoke test ends the pipeline). Results keep the order the checks were asked for.
  const results = await Promise.all(
    run.checks.map(async (check): Promise<CheckResult | undefined> => {
      if (ALTERS_TOKEN.includes(check) && run.tokens.token === undefined) {
        ctx.logger.info(`${check}: skipped, there is no token to alter.`);
        return undefined;
      }
      if (
        (TOKEN_INPUT_CHECKS as readonly string[]).includes(check) &&
        tokenOfInput(check, run.tokens) === undefined
      )
        return undefined;
      if (check === "hs256-key-confusion") return keyConfusionCheck(run, expected, ctx);
      const sent = await sendUntilAnswered(run, check, tokenFor(check, run.tokens));
      return judge({
        check,
        expected,
        outcome: sent.outcome,
        attempts: sent.attempts,
        statuses: run.unauthorizedStatus,
        showBody: run.showBodies,
        withheld: WITHHELD,
      });
    }),
  );
  return results.filter((result) => result !== undefined);
}

/**
 * Every HS256 forgery in turn; the first one not refused decides (and names the key form it used),
 * otherwise the last refusal does. Skipped, with a line saying why, when the API's JWKS is unknown.
 */
async function keyConfusionCheck(
  run: NegativeChecks,
  expected: string,
  ctx: StepContext,
): Promise<CheckResult | undefined> {
  const check = "hs256-key-confusion";
  if (run.jwksUri === undefined) {
    ctx.logger.info(`${check}: skipped, jwks-uri (the JWKS that signs the API's tokens) is not set.`);
    return undefined;
  }
  const { readJwks, keyConfusionTokens } = await import("../http/key-confusion.ts");
  const jwks = await readJwks(run.jwksUri, ctx.signal);
  if ("error" in jwks) {
    const answered = `error: ${jwks.error}`;
    return {
      check,
      expected,
      answered,
      latencyMs: 0,
      attempts: 0,
      passed: false,
      detail: `jwks-uri: ${jwks.error}`,
    };
  }
  const forged = await keyConfusionTokens(run.tokens.token ?? "", jwks.keys);
  if (forged.length === 0) {
    ctx.logger.info(`${check}: skipped, the JWKS has no RSA or EC public key to misuse.`);
    return undefined;
  }
  let attempts = 0;
  let last: CheckResult | undefined;
  for (const { form, token } of forged) {
    const sent = await sendUntilAnswered(run, check, token);
    attempts += sent.attempts;
    last = judge({
      check,
      expected,
      outcome: sent.outcome,
      attempts,
      statuses: run.unauthorizedStatus,
      showBody: run.showBodies,
      withheld: WITHHELD,
    });
    if (!last.passed) return { ...last, detail: `HS256 signed with the ${form}: ${last.detail ?? ""}` };
  }
  return last;
}

async function sendUntilAnswered(
  run: NegativeChecks,
  check: string,
  token: string | undefined,
): Promise<{ outcome: ProbeOutcome; attempts: number }> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const outcome = await run.send(token);
    const transient = outcome.kind === "error" || outcome.status === 502 || outcome.status === 503;
    if (!transient || Date.now() >= run.deadline) return { outcome, attempts };
    await run.pause(
      Math.min(1000, Math.max(0, run.deadline - Date.now())),
      `repeating the ${check} check after a network error`,
    );
  }
}

function tokenOfInput(check: NegativeCheck, tokens: CheckTokens): string | undefined {
  return check === "refused-token" ? tokens.refusedToken : tokens.expiredToken;
}
