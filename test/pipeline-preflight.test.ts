// Preflight as the pipeline's first stage after fn-context, through the built root action (as the runner
// runs it) and through `fngate pipeline`: a miss that would surely fail the deploy (no gateway →
// functions policy, a client secret Entra refuses) stops the run before any mutating call, with the fix
// (each check's own misses: preflight-oci-checks and preflight-token-checks.test.ts); `preflight: false`
// skips it, and then the same tenancy gets a deployed API whose every call is a 500. Past preflight, the
// smoke test's diagnosis: a failed positive check ends the run with one error line that says the likely
// cause, worked out from what the pipeline deployed (every cause in process: smoke-diagnosis.test.ts).
// No Docker is needed: the function exists and ocir-login and fn-deploy are skipped.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isMutating } from "./emulators/oci/request-log.ts";
import {
  API_URI,
  PIPELINE,
  type PipelineFixture,
  pipelineCliArgs,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { assertCliFailure, assertUserFailure } from "./runner/index.ts";
import { cliSandbox } from "./support/cli-process.ts";
import { seedGatewayFunctionsPolicy } from "./support/gateway-policy.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

let fixture: PipelineFixture;

before(async () => {
  fixture = await startPipelineFixture("preflight");
});
after(async () => {
  await fixture?.close();
});

/** The pipeline on an existing function: fn-context, preflight, gateway-deploy, entra-token, smoke-test. */
function inputs(name: string, overrides: Record<string, string> = {}): Record<string, string> {
  return fixture.inputs("secret", name, {
    skip: "ocir-login, fn-deploy",
    "function-id": fixture.existingFunction(),
    ...overrides,
  });
}

function mutatingCalls(): number {
  return fixture.oci.stack.oci.requests.filter(isMutating).length;
}

/** Runs `work` with no policy letting API gateways invoke functions, as a fresh tenancy has none. */
async function withoutGatewayPolicy(work: () => Promise<void>): Promise<void> {
  const { state } = fixture.oci.stack.oci;
  for (const policy of state.iam.policiesIn(fixture.oci.tenancyId)) state.iam.deletePolicy(policy.id);
  try {
    await work();
  } finally {
    seedGatewayFunctionsPolicy(state, fixture.oci.tenancyId);
  }
}

/**
 * Runs the pipeline and returns its one error line and its outputs, after checking the run failed,
 * cleaned up and leaked nothing.
 */
async function failedRun(
  name: string,
  overrides: Record<string, string> = {},
): Promise<{ line: string; outputs: Record<string, string> }> {
  await using job = await fixture.job();
  // Preflight off (it would catch the policy first), a short wait.
  const run = await job.run(PIPELINE, {
    inputs: inputs(name, { preflight: "false", wait: "2", ...overrides }),
  });
  const line = assertUserFailure(run, /^smoke test failed, /, fixture.secrets);
  // fn-context, then gateway-deploy and entra-token side by side (each writes its group when it ends),
  // then smoke-test, which fails: the rollback removes the deployment the run created.
  assert.deepEqual(
    [run.groups[0], [...run.groups.slice(1, 3)].sort(), ...run.groups.slice(3)],
    ["fn-context", ["entra-token", "gateway-deploy"], "smoke-test", "rollback"],
  );
  const posts = await job.runPosts();
  assert.ok(posts.every((post) => post.exitCode === 0));
  const shown = posts.map((r) => visibleOutput(r.stdout) + r.stderr).join("\n");
  assert.deepEqual(secretsFound(shown, fixture.secrets), []);
  // No token text: a JWT starts with a base64url JSON header ("eyJ").
  assert.doesNotMatch(line, /eyJ[A-Za-z0-9_-]{10,}/);
  assert.doesNotMatch(run.outputs.results ?? "", /eyJ[A-Za-z0-9_-]{10,}/);
  return { line, outputs: run.outputs };
}

describe("the smoke test explains a failed check with the token", () => {
  it("preflight: false skips it: the same tenancy then gets a deployed API whose every call is a 500, and the error names the exact statement", async () => {
    await withoutGatewayPolicy(async () => {
      const calls = mutatingCalls();
      const { line, outputs } = await failedRun("diagpolicy");
      assert.ok(mutatingCalls() > calls, "the deployment was created");
      assert.equal(outputs.preflight, undefined);
      const statement = `ALLOW any-user to use functions-family in tenancy where ALL {request.principal.type = 'ApiGateway', request.resource.compartment.id = '${fixture.oci.tenancyId}'}`;
      assert.match(
        line,
        /^smoke test failed, \d+ of \d+ checks: with token answered 500, expected 200, body [^(]+ \(likely cause: the API gateway is likely not allowed to invoke the function/,
      );
      assert.ok(
        line.includes(`Attach this statement to a policy in the tenancy (root compartment): ${statement} (`),
        line,
      );
      assert.match(line, /`fngate preflight` checks it\)/);
    });
  });

  it("a 401 names the audience the deployed policy does not accept, and the fix", async () => {
    const { line } = await failedRun("wrongaud", {
      audiences: "api://another-api",
      // entra-token checks the token against the gateway's audiences unless told which to expect.
      "expected-audience": API_URI,
    });
    assert.match(
      line,
      /with token answered 401, expected 200, .*\(likely cause: the token differs from the deployed policy: audience: the token's aud is "api:\/\/my-oci-api", the gateway accepts "api:\/\/another-api"; request the token for one of them/,
    );
    assert.doesNotMatch(line, /issuer:|expiry:|required claim/);
  });
});

describe("the pipeline's preflight stage", () => {
  it("no gateway → functions policy: the root action stops after preflight with the fix, 0 mutating calls, and cleans up", async () => {
    await withoutGatewayPolicy(async () => {
      await using job = await fixture.job();
      const before = await job.snapshot();
      const calls = mutatingCalls();
      const run = await job.run(PIPELINE, { inputs: inputs("nopolicy") });
      assertUserFailure(
        run,
        /^preflight: 1 check would fail the deploy, nothing was changed: gateway → functions policy: no policy in compartment fngate-test or above .* Fix: ALLOW any-user to use functions-family in tenancy where ALL \{request.principal.type = 'ApiGateway', request.resource.compartment.id = 'ocid1.tenancy/,
        fixture.secrets,
      );
      assert.equal(mutatingCalls(), calls, "mutating OCI calls");
      assert.deepEqual(run.groups, ["fn-context", "preflight"]);
      const rows = JSON.parse(run.outputs.preflight ?? "[]") as { check: string; status: string }[];
      assert.deepEqual(
        rows.map((r) => `${r.status} ${r.check}`),
        [
          "ok OCI credentials sign",
          "ok compartment",
          "ok function",
          "ok API gateway",
          "missing gateway → functions policy",
          "ok remote JWKS",
          "ok token issuers",
          "ok Entra token version (v1/v2)",
        ],
      );
      assert.match(run.summary, /fngate preflight: would fail the deploy/);
      const posts = await job.runPosts();
      assert.ok(posts.every((post) => post.exitCode === 0));
      assert.deepEqual(await job.snapshot(), before, "HOME and RUNNER_TEMP are as before the job");
      const shown = [run, ...posts].map((r) => visibleOutput(r.stdout) + r.stderr).join("\n");
      assert.deepEqual(secretsFound(shown + run.summary, [fixture.clientSecret, fixture.oci.key.pkcs8]), []);
    });
  });

  it("a client secret Entra refuses stops the run at preflight, before the gateway is deployed, and leaks nothing", async () => {
    await using job = await fixture.job();
    const wrong = `cs~${process.pid}.refused_but_secret`;
    const calls = mutatingCalls();
    const run = await job.run(PIPELINE, { inputs: inputs("badsecret", { "client-secret": wrong }) });
    assertUserFailure(
      run,
      /^preflight: 1 check would fail the deploy, nothing was changed: Entra access token: the entra-token stage would fail: client-secret: .*AADSTS7000215/,
      [wrong],
    );
    assert.equal(mutatingCalls(), calls, "mutating OCI calls");
    assert.deepEqual(run.groups, ["fn-context", "preflight"]);
    await job.runPosts();
    const shown = visibleOutput(run.stdout) + run.stderr + run.summary + (await job.allWrittenText());
    assert.deepEqual(secretsFound(shown, [wrong]), []);
  });

  it("fngate pipeline stops at preflight the same way: exit 1, the rows on stderr, --json carries them, 0 mutating calls", async () => {
    await withoutGatewayPolicy(async () => {
      await using sandbox = await cliSandbox({ ...fixture.oci.env, FNGATE_GIT_SHA: "0123456789abcdef" });
      const before = await sandbox.snapshot();
      const { flags, env } = pipelineCliArgs(inputs("clinopolicy"));
      const calls = mutatingCalls();
      const run = await sandbox.run(["pipeline", ...flags, "--json"], env);
      assertCliFailure(run, /^preflight: 1 check would fail the deploy, nothing was changed/, {
        secrets: fixture.secrets,
      });
      assert.equal(mutatingCalls(), calls, "mutating OCI calls");
      assert.match(run.stderr, /── preflight/);
      assert.ok(!run.stderr.includes("── gateway-deploy"), "no stage after preflight ran");
      assert.match(run.stderr, /BLOCKED gateway → functions policy: no policy/);
      assert.match(run.stderr, /fix: ALLOW any-user to use functions-family in tenancy/);
      const result = JSON.parse(run.stdout.trim()) as {
        ok: boolean;
        outputs: Record<string, string>;
        error: string;
      };
      assert.equal(result.ok, false);
      assert.equal(result.outputs.changed, "false");
      assert.match(result.error, /^preflight: 1 check would fail the deploy, nothing was changed/);
      assert.equal((JSON.parse(result.outputs.preflight ?? "[]") as unknown[]).length, 8);
      assert.deepEqual(await sandbox.snapshot(), before, "HOME and TMPDIR are as before the run");
      assert.deepEqual(
        secretsFound(await sandbox.allWrittenText(), [fixture.clientSecret, fixture.oci.key.pkcs8]),
        [],
      );
    });
  });
});
