// The smoke-test action against a guarded API behind a test CA, run as the runner runs it: the checks
// that pass and fail, retries while a deployment propagates, and never a token shown. The inputs it
// refuses: test/reliability/r4-bad-input.test.ts. The likely cause of a failure, worked out from the
// URL and the token alone: test/smoke-diagnosis.test.ts; in the failure line: pipeline-preflight.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";
import { assertUserFailure, Job, type StepResult } from "./runner/index.ts";
import { type GuardedApi, startGuardedApi } from "./support/guarded-api.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

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

/** A loopback port nothing listens on (fetch refuses well-known ports such as 9 outright). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("smoke-test against a guarded API", () => {
  it("passes: 200 with the token and the body expected, 401 for no token, malformed, tampered signature, alg none, wrong audience", async () => {
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
    const results = JSON.parse(run.outputs.results ?? "[]") as {
      check: string;
      answered: string;
      passed: boolean;
    }[];
    assert.deepEqual(
      results.map((r) => [r.check, r.answered, r.passed]),
      [
        ["with token", "200", true],
        ["no-token", "401", true],
        ["malformed", "401", true],
        ["tampered-signature", "401", true],
        ["alg-none", "401", true],
        ["refused-token", "401", true],
      ],
    );
    assert.match(run.summary, /smoke test passed/);
    assert.deepEqual(secretsFound(everything, [token, wrongAudience]), []);
  });

  it("fails when the API lets an altered token in, naming each check that was not refused", async () => {
    const lenient = await startGuardedApi(tls, { lenient: true });
    try {
      const { run } = await smoke({ url: lenient.url, token: await lenient.token() });
      assertUserFailure(
        run,
        /^smoke test failed, 2 of 5 checks: tampered-signature answered 200, expected 401; alg-none answered 200, expected 401\.$/,
      );
      assert.equal(run.outputs.passed, "false");
    } finally {
      await lenient.close();
    }
  });

  it("retries while the deployment propagates (404, 502), then passes", async () => {
    api.failNext(2, 404);
    api.failNext(1, 502);
    const { run } = await smoke({ url: api.url, token: await api.token(), "negative-checks": "none" });
    assert.equal(run.exitCode, 0, run.stdout);
    const [first] = JSON.parse(run.outputs.results ?? "[]") as { attempts: number }[];
    assert.equal(first?.attempts, 4);
    assert.match(run.stdout, /with token: 404; retrying in/);
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

    const echo = await startGuardedApi(tls, { echoAuthorization: true });
    try {
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
    } finally {
      await echo.close();
    }
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
