// The smoke test's diagnosis through the built root action on the emulators: a failed positive check
// ends the run with one error line that says the likely cause, worked out from what the pipeline
// deployed. No Docker is needed: the function exists and ocir-login and fn-deploy are skipped.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  API_URI,
  PIPELINE,
  type PipelineFixture,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { assertUserFailure } from "./runner/index.ts";
import { seedGatewayFunctionsPolicy } from "./support/gateway-policy.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

let fixture: PipelineFixture;

before(async () => {
  fixture = await startPipelineFixture("smokediag");
});
after(async () => {
  await fixture?.close();
});

/** The pipeline on an existing function, preflight off (it would catch the policy first), a short wait. */
function inputs(name: string, overrides: Record<string, string> = {}): Record<string, string> {
  return fixture.inputs("secret", name, {
    skip: "ocir-login, fn-deploy",
    "function-id": fixture.existingFunction(),
    preflight: "false",
    wait: "2",
    ...overrides,
  });
}

/** Runs the pipeline and returns its one error line, after checking the run failed, cleaned up and leaked nothing. */
async function failureLine(name: string, overrides: Record<string, string> = {}): Promise<string> {
  await using job = await fixture.job();
  const run = await job.run(PIPELINE, { inputs: inputs(name, overrides) });
  const line = assertUserFailure(run, /^smoke test failed, /, fixture.secrets);
  // gateway-deploy and entra-token run side by side: each writes its group when it ends.
  assert.deepEqual(
    [run.groups[0], [...run.groups.slice(1, 3)].sort(), run.groups[3], run.groups.length],
    ["fn-context", ["entra-token", "gateway-deploy"], "smoke-test", 4],
  );
  const posts = await job.runPosts();
  assert.ok(posts.every((post) => post.exitCode === 0));
  const shown = posts.map((r) => visibleOutput(r.stdout) + r.stderr).join("\n");
  assert.deepEqual(secretsFound(shown, fixture.secrets), []);
  // No token text: a JWT starts with a base64url JSON header ("eyJ").
  assert.doesNotMatch(line, /eyJ[A-Za-z0-9_-]{10,}/);
  assert.doesNotMatch(run.outputs.results ?? "", /eyJ[A-Za-z0-9_-]{10,}/);
  return line;
}

describe("the smoke test explains a failed check with the token", () => {
  it("a 500 from a gateway without the gateway → functions policy names the exact statement", async () => {
    const { state } = fixture.oci.stack.oci;
    for (const policy of state.iam.policiesIn(fixture.oci.tenancyId)) state.iam.deletePolicy(policy.id);
    try {
      const line = await failureLine("nopolicy");
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
    } finally {
      seedGatewayFunctionsPolicy(state, fixture.oci.tenancyId);
    }
  });

  it("a 404 names the routes and path prefix deployed against the URL asked", async () => {
    // The route is deployed for POST only; the smoke test asks GET, which the gateway answers 404.
    // (The emulator's endpoints carry a segment before the path prefix, as all gateways share one host.)
    const line = await failureLine("wrongmethod", { "route-methods": "POST", method: "GET" });
    assert.match(
      line,
      /with token answered 404, expected 200, .*\(likely cause: route (\/[^/ ]+)?\/wrongmethod\/hello is deployed for POST, not GET; add the method to the route/,
    );
  });

  it("a 401 names the audience the deployed policy does not accept, and the fix", async () => {
    const line = await failureLine("wrongaud", {
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
