// Preflight as the pipeline's first stage after fn-context, through the built root action (as the runner
// runs it) and through `fngate pipeline`: a miss that would surely fail the deploy (no gateway →
// functions policy, a gateway that is not ACTIVE, a JWKS over OCI's limit) stops the run before any
// mutating call, with the fix; `preflight: false` skips it, and then the same tenancy gets a deployed
// API whose every call is a 500. No Docker is needed: the function exists and fn-deploy is skipped.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isMutating } from "./emulators/oci/request-log.ts";
import { PIPELINE, type PipelineFixture, startPipelineFixture } from "./reliability/pipeline-fixture.ts";
import { assertCliFailure, assertUserFailure } from "./runner/index.ts";
import { cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
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

  it("preflight: false skips it: the same tenancy then gets a deployed API whose every call is a 500", async () => {
    await withoutGatewayPolicy(async () => {
      await using job = await fixture.job();
      const calls = mutatingCalls();
      const run = await job.run(PIPELINE, { inputs: inputs("skipped", { preflight: "false" }) });
      assertUserFailure(run, /^smoke test failed, .*with token answered 500/, fixture.secrets);
      // gateway-deploy and entra-token run side by side: each writes its group when it ends.
      assert.deepEqual(
        [run.groups[0], [...run.groups.slice(1, 3)].sort(), run.groups[3], run.groups.length],
        ["fn-context", ["entra-token", "gateway-deploy"], "smoke-test", 4],
      );
      assert.ok(mutatingCalls() > calls, "the deployment was created");
      assert.equal(run.outputs.preflight, undefined);
      await job.runPosts();
    });
  });

  it("a gateway that is not ACTIVE and a JWKS over OCI's limit stop the run before any change", async () => {
    const { state } = fixture.oci.stack.oci;
    const gateway = state.apigw.gateways.get(fixture.gatewayId);
    assert.ok(gateway);
    const { entra } = fixture.oci.stack;
    const published = entra.keys.kids.length;
    gateway.lifecycleState = "UPDATING";
    try {
      // Entra publishes a few keys; a tenant's JWKS grown past ten is refused whole by OCI.
      while (entra.keys.kids.length <= 10) await entra.rotateSigningKey();
      await using job = await fixture.job();
      const calls = mutatingCalls();
      const run = await job.run(PIPELINE, { inputs: inputs("limits") });
      assertUserFailure(
        run,
        /^preflight: 2 checks would fail the deploy, nothing was changed: API gateway: public is UPDATING; .*\(and remote JWKS\)$/,
        fixture.secrets,
      );
      assert.equal(mutatingCalls(), calls, "mutating OCI calls");
      assert.match(
        run.stdout,
        /^BLOCKED remote JWKS: https:\/\/.*\/discovery\/v2.0\/keys: it has 1[1-9] keys; OCI accepts at most 10$/m,
      );
      await job.runPosts();
    } finally {
      gateway.lifecycleState = "ACTIVE";
      // The newest key signs from now on; the oldest are retired until the usual few remain.
      while (entra.keys.kids.length > published) entra.retireKey(entra.keys.kids[0] ?? "");
    }
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
      const all = inputs("clinopolicy");
      const secret = new Set(["private-key", "auth-token", "client-secret"]);
      const open = Object.fromEntries(Object.entries(all).filter(([name]) => !secret.has(name)));
      const hidden = Object.fromEntries(Object.entries(all).filter(([name]) => secret.has(name)));
      const calls = mutatingCalls();
      const run = await sandbox.run(["pipeline", ...flagsOf(open), "--json"], envOf(hidden));
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
