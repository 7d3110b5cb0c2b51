// The smoke-test action against a guarded API behind a test CA, run as the runner runs it: the checks
// that pass and fail, retries while a deployment propagates, and never a token shown; the expired-token
// and HS256 key-confusion checks: a correct verifier refuses both, a verifier that lets the token choose
// HS256 and uses its public key's PEM as the secret, or one that ignores exp, is caught and named, and
// the inputs these checks need are refused with one line when they cannot prove anything. The other
// inputs it refuses: test/reliability/r4-bad-input.test.ts. The likely cause of a failure, worked out
// from the URL and the token alone: test/smoke-diagnosis.test.ts; in the failure line: pipeline-preflight.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { decodeProtectedHeader } from "jose";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";
import { assertUserFailure, Job, type StepResult } from "./runner/index.ts";
import { closedPort } from "./support/closed-port.ts";
import { type GuardedApi, type GuardedApiOptions, startGuardedApi } from "./support/guarded-api.ts";
import { actionRefusal, tripwire } from "./support/input-table.ts";
import { passed } from "./support/passed.ts";
import { secretsFound, shownByStep, visibleOutput } from "./support/secret-scan.ts";

let tls: TlsMaterial;
let api: GuardedApi;
before(async () => {
  tls = await createTestCa();
  api = await startGuardedApi(tls);
});
after(async () => {
  await api?.close();
  // The CA's private key must not outlive the run.
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

async function smoke(inputs: Record<string, string>): Promise<{ run: StepResult; everything: string }> {
  await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: tls.caFile } });
  const run = await job.run("smoke-test", { inputs });
  return { run, everything: visibleOutput(run.stdout) + run.stderr + (await job.allWrittenText()) };
}

const now = () => Math.floor(Date.now() / 1000);

/** `use` with another guarded API (of the same CA), closed afterwards. */
async function withApi<T>(options: GuardedApiOptions, use: (api: GuardedApi) => Promise<T>): Promise<T> {
  const other = await startGuardedApi(tls, options);
  try {
    return await use(other);
  } finally {
    await other.close();
  }
}

describe("smoke-test against a guarded API", () => {
  it("passes: 200 with the token and the body expected (after retries while the deployment propagates: 404, 502), 401 for no token, malformed, tampered signature, alg none, wrong audience", async () => {
    api.failNext(2, 404);
    api.failNext(1, 502);
    const token = await api.token();
    const wrongAudience = await api.token({ aud: "api://someone-else" });
    const { run, everything } = await smoke({
      url: api.url,
      token,
      "expect-body": '{"message":"Hello World"}',
      "negative-checks": "no-token, malformed, tampered-signature, alg-none, refused-token",
      "refused-token": wrongAudience,
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs.passed, "true");
    assert.deepEqual(
      Object.values(checks(run)).map((r) => [r.check, r.answered, r.passed]),
      [
        ["with token", "200", true],
        ["no-token", "401", true],
        ["malformed", "401", true],
        ["tampered-signature", "401", true],
        ["alg-none", "401", true],
        ["refused-token", "401", true],
      ],
    );
    assert.equal(checks(run)["with token"]?.attempts, 4);
    assert.match(run.stdout, /with token: 404; retrying in/);
    assert.match(run.summary, /smoke test passed/);
    assert.deepEqual(secretsFound(everything, [token, wrongAudience]), []);
  });

  it("fails when the API lets an altered token in, naming each check that was not refused", async () => {
    await withApi({ lenient: true }, async (lenient) => {
      const { run } = await smoke({ url: lenient.url, token: await lenient.token() });
      assertUserFailure(
        run,
        /^smoke test failed, 2 of 5 checks: tampered-signature answered 200, expected 401; alg-none answered 200, expected 401\.$/,
      );
      assert.equal(run.outputs.passed, "false");
    });
  });

  it("fails on the wrong body, and never shows a token even when the API echoes it back", async () => {
    const token = await api.token();
    const wrongBody = await smoke({
      url: api.url,
      token,
      "expect-body": "/Goodbye/",
      "negative-checks": "none",
    });
    assertUserFailure(
      wrongBody.run,
      /with token answered 200 with another body, expected 200, body matches \/Goodbye\//,
      [token],
    );

    await withApi({ echoAuthorization: true }, async (echo) => {
      const echoToken = await echo.token();
      const { run, everything } = await smoke({
        url: echo.url,
        token: echoToken,
        wait: "0",
        "negative-checks": "none",
      });
      assertUserFailure(run, /^smoke test failed, 1 of 1 checks: with token answered 500, expected 200/, [
        echoToken,
      ]);
      assert.match(run.outputs.results ?? "", /debug: got Bearer \*\*\*/);
      assert.deepEqual(secretsFound(everything, [echoToken]), []);
    });
  });

  it("an API that cannot be reached fails with the network cause once wait runs out", async () => {
    const { run } = await smoke({
      url: `https://127.0.0.1:${await closedPort()}/hello`,
      token: await api.token(),
      // No retry needed to see the cause: the first attempt's error is the one reported.
      wait: "0",
      "negative-checks": "none",
    });
    assertUserFailure(run, /^smoke test failed, 1 of 1 checks: with token answered error: ECONNREFUSED/);
  });
});

let shared: Promise<{ run: StepResult; token: string; expired: string }> | undefined;
/** One passing run against the strict API with an expired-token and no jwks-uri: two tests read it. */
function withoutJwksUri() {
  shared ??= (async () => {
    const token = await api.token();
    const expired = await api.token({ iat: now() - 7200, exp: now() - 3600 });
    const { run } = await smoke({ url: api.url, token, "expired-token": expired });
    return { run: passed(run), token, expired };
  })();
  return shared;
}

interface CheckResult {
  check: string;
  answered: string;
  passed: boolean;
  attempts: number;
  detail: string;
}

/** The smoke test's results output, by check. */
function checks(run: StepResult): Record<string, CheckResult> {
  const list = JSON.parse(run.outputs.results ?? "[]") as CheckResult[];
  return Object.fromEntries(list.map((r) => [r.check, r]));
}

describe("hs256-key-confusion", () => {
  it("is refused by a verifier that fixes the algorithm: every key form is tried, all 401", async () => {
    const token = await api.token();
    const from = api.requests.length;
    const run = passed((await smoke({ url: api.url, token, "jwks-uri": api.jwksUri })).run);
    const result = checks(run)["hs256-key-confusion"];
    assert.deepEqual([result?.answered, result?.passed, result?.attempts], ["401", true, 6]);
    const forged = api.requests
      .slice(from)
      .map((r) => r.authorization?.slice("Bearer ".length) ?? "")
      .filter((t) => t.split(".").length === 3 && decodeProtectedHeader(t).alg === "HS256");
    assert.equal(
      forged.length,
      6,
      "six HS256 forgeries: SPKI PEM, PEM without newline, SPKI DER, JWK, PKCS#1 PEM and DER",
    );
    assert.ok(
      forged.every((t) => t.split(".")[1] === token.split(".")[1]),
      "each keeps the token's claims",
    );
    assert.ok(
      forged.every((t) => decodeProtectedHeader(t).kid === "k1"),
      "each names the key's kid",
    );
  });

  it("catches a verifier that lets the token pick HS256 and uses the PEM as the secret", async () => {
    await withApi({ verifier: "hs256-pem" }, async (vulnerable) => {
      const { run } = await smoke({
        url: vulnerable.url,
        token: await vulnerable.token(),
        "jwks-uri": vulnerable.jwksUri,
      });
      assertUserFailure(
        run,
        "smoke test failed, 1 of 6 checks: hs256-key-confusion answered 200, expected 401.",
      );
      assert.match(
        checks(run)["hs256-key-confusion"]?.detail ?? "",
        /^HS256 signed with the SPKI PEM text without its final newline of key k1: the API did not refuse it/,
      );
    });
  });

  it("is skipped, saying why, when jwks-uri is not set", async () => {
    const { run } = await withoutJwksUri();
    assert.equal(checks(run)["hs256-key-confusion"], undefined);
    assert.match(
      run.stdout,
      /hs256-key-confusion: skipped, jwks-uri \(the JWKS that signs the API's tokens\) is not set/,
    );
  });

  it("fails naming jwks-uri when the JWKS cannot be read", async () => {
    const { run } = await smoke({
      url: api.url,
      token: await api.token(),
      "jwks-uri": `${api.url}/no-such-jwks`,
    });
    assertUserFailure(
      run,
      /hs256-key-confusion answered error: the JWKS at https:\/\/127\.0\.0\.1:\d+ answered 401/,
    );
  });
});

describe("expired-token", () => {
  it("is run when expired-token is given, and a verifier that reads exp refuses it", async () => {
    const { run, token, expired } = await withoutJwksUri();
    assert.deepEqual(checks(run)["expired-token"]?.answered, "401");
    assert.deepEqual(secretsFound(shownByStep(run), [token, expired]), []);
    assert.ok(run.masks.includes(expired), "expired-token is masked");
  });

  it("catches a verifier that ignores exp", async () => {
    await withApi({ verifier: "ignores-expiry" }, async (careless) => {
      const expired = await careless.token({ iat: now() - 7200, exp: now() - 3600 });
      const { run } = await smoke({
        url: careless.url,
        token: await careless.token(),
        "expired-token": expired,
      });
      assertUserFailure(run, "smoke test failed, 1 of 6 checks: expired-token answered 200, expected 401.", [
        expired,
      ]);
    });
  });

  const refusals: Record<string, [() => Promise<Record<string, string>>, RegExp]> = {
    "not a JWT": [
      async () => ({ "expired-token": `opaque-${process.pid}-refresh-token-value` }),
      /^expired-token is not a JWT: pass an access token/,
    ],
    "without exp": [
      async () => ({ "expired-token": await api.token({ exp: undefined }) }),
      /^expired-token has no exp claim/,
    ],
    "not expired": [
      async () => ({ "expired-token": await api.token() }),
      /^expired-token has not expired \(exp \d{4}-/,
    ],
    "expired within the clock-skew allowance": [
      async () => ({ "expired-token": await api.token({ exp: now() - 60 }) }),
      /^expired-token expired only \d+ s ago .*use one that expired more than 300 s ago\.$/,
    ],
    "for another audience than token": [
      async () => ({ "expired-token": await api.token({ aud: "api://other", exp: now() - 3600 }) }),
      /^expired-token has another aud than token \("api:\/\/other"\)/,
    ],
    "listed without the input": [
      async () => ({ "negative-checks": "expired-token" }),
      /^negative-checks lists expired-token: set expired-token to a token of this API/,
    ],
    "hs256-key-confusion listed without jwks-uri": [
      async () => ({ "negative-checks": "hs256-key-confusion" }),
      /^negative-checks lists hs256-key-confusion: set jwks-uri to the JWKS/,
    ],
    "an http:// jwks-uri": [
      async () => ({ "jwks-uri": "http://127.0.0.1:9/jwks" }),
      /^jwks-uri must be an https:\/\/ URL\.$/,
    ],
  };
  for (const [name, [extra, message]] of Object.entries(refusals)) {
    it(`refuses expired-token or jwks-uri ${name}, in one line, before any request`, async () => {
      // In process, with the URL at a port that counts connections: refused before any call. As the
      // built action: "not expired" in R7 (test/reliability/r7/tokens-and-policies.cases.ts), "not a
      // JWT" among others in R7's gathered inputs.
      const url = `${(await tripwire()).url}/hello`;
      const inputs: Record<string, string> = { url, token: await api.token(), ...(await extra()) };
      const secrets = [inputs.token, inputs["expired-token"]].filter((s): s is string => s !== undefined);
      const line = await actionRefusal("smoke-test", { inputs });
      assert.match(line, message);
      assert.deepEqual(secretsFound(line, secrets), []);
    });
  }
});
