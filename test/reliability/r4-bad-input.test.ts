// R4 bad input: every OCI-path action, and the whole pipeline in one step, refuses input a user gets wrong
// with one single-line error naming the input and the fix, and changes nothing. Bad input is a table run
// in process (./r4-cases.ts and ./r4-more-cases.ts through test/support/input-table.ts): refused before
// any call and before any file is written. What only a cloud can refuse, and one case of the whole
// pipeline, run the built action against the emulators: exit 1, one ::error:: line, no stack trace, no
// mutating OCI call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isMutating } from "../emulators/oci/request-log.ts";
import { assertUserFailure, Job } from "../runner/index.ts";
import { seedGatewayFunctionsPolicy } from "../support/gateway-policy.ts";
import { actionVerdict, refusalTable } from "../support/input-table.ts";
import { type OciFixture, startOciFixture } from "../support/oci-fixture.ts";
import { printFigure, tally } from "./figures.ts";
import { DEPLOY_TABLES, EXAMPLE, gateway, key, otherKey, pipelineInputs, SECRET } from "./r4-cases.ts";
import { MORE_TABLES } from "./r4-more-cases.ts";

const R4_TABLES = [...DEPLOY_TABLES, ...MORE_TABLES];

const held = tally();
let partial = 0;
after(() => {
  printFigure(
    "R4",
    "bad input",
    `${held.total} cases, ${held.held} clear errors, ${partial} partial deployments`,
  );
});

const REAL_RUNS = 3;
it("covers at least 38 cases across every OCI-path action and the pipeline", () => {
  const cases = R4_TABLES.reduce((sum, [, , rows]) => sum + Object.keys(rows).length, REAL_RUNS);
  assert.ok(cases >= 38, `${cases} cases`);
});

for (const [action, base, rows] of R4_TABLES) {
  describe(`R4: ${action} refuses bad input in process, before any call or file`, () => {
    // Each row is refused for its own change: the base passes every check. fn-context's without its
    // verify call; the others whose step lets go of the tripwire quickly, or needs no OCI profile file.
    if (!["fn-deploy", "smoke-test", "teardown", "pipeline"].includes(action)) {
      it("the inputs the rows start from pass every check", async () => {
        const given = await base();
        const inputs = { ...given.inputs, ...(action === "fn-context" ? { verify: "false" } : {}) };
        const verdict = await actionVerdict(action, { ...given, inputs });
        assert.equal(verdict.outcome, "accepted", "line" in verdict ? verdict.line : "");
        if (action !== "fn-context") return;
        assert.ok(verdict.written.includes(".oci/config"), verdict.written.join());
        assert.ok(
          verdict.masks.some((piece) => key.pkcs8.includes(piece)),
          "private-key is masked",
        );
      });
    }
    refusalTable(action, base, rows, (ok) => held.record(ok));
  });
}

// Entra's refusals, and entra-token without id-token: write (asked after Entra's metadata), run for real
// in test/entra-token-action.test.ts.
describe("R4: as the runner runs them: exit 1, one line, no mutating call", () => {
  let oci: OciFixture;
  let gatewayId: string;
  let functionId: string;
  before(async () => {
    oci = await startOciFixture();
    const { state } = oci.stack.oci;
    const applicationId = state.fn.createApplication({
      compartmentId: oci.tenancyId,
      displayName: "apps",
    }).id;
    const image = `ocir.ap-tokyo-1.oci.oraclecloud.com/${oci.namespace}/fngate/hello:0.0.1`;
    functionId = state.fn.createFunction({ applicationId, displayName: "hello", image, memoryInMBs: 256 }).id;
    gatewayId = state.apigw.createGateway({ compartmentId: oci.tenancyId, displayName: "gw" }).id;
    seedGatewayFunctionsPolicy(state, oci.tenancyId);
  });
  after(async () => {
    await oci?.close();
  });
  const mutatingCalls = () => oci.stack.oci.requests.filter(isMutating).length;

  /** `action` fails under the failure contract with no mutating call; returns the run and HOME before/after. */
  async function refused(action: string, inputs: Record<string, string>, message: RegExp, profile = false) {
    await using job = await Job.create({ env: oci.env, checkout: EXAMPLE });
    if (profile) assert.equal((await job.run("fn-context", { inputs: oci.inputs() })).exitCode, 0);
    const before = await job.snapshot();
    const calls = mutatingCalls();
    const run = await job.run(action, { inputs });
    const mutated = mutatingCalls() - calls;
    if (mutated > 0) partial += 1;
    try {
      assertUserFailure(run, message, [SECRET]);
      assert.equal(mutated, 0, "a refused run made a mutating OCI call");
      held.record(true);
    } catch (error) {
      held.record(false);
      throw error;
    }
    return { run, before, after: await job.snapshot() };
  }

  it("fn-context: an unregistered key (401 from OCI), nothing half-written, no output or export", async () => {
    const { run, before, after } = await refused(
      "fn-context",
      oci.inputs({ "private-key": otherKey.pkcs8, fingerprint: otherKey.fingerprint }),
      /^verify: OCI refused the API key \(401 NotAuthenticated\).*fingerprint [0-9a-f:]{47} is uploaded to user ocid1\.user.*verify: false/,
    );
    assert.deepEqual(after, before, "nothing half-written, even before the post step");
    assert.deepEqual(run.outputs, {});
    assert.deepEqual(run.exportedEnv, {});
  });

  it("gateway-deploy: a route without authentication (known once the deployment is read)", async () => {
    const ids = { "gateway-ocid": gatewayId, "compartment-ocid": oci.tenancyId, "function-id": functionId };
    await refused(
      "gateway-deploy",
      { ...gateway, ...ids, "entra-tenant-id": "", audiences: "" },
      /no authentication: set entra-tenant-id .*allow-anonymous: true/,
      true,
    );
  });

  it("pipeline: an http:// JWKS is refused before any stage runs", async () => {
    const changes = { "entra-tenant-id": "", "jwks-uri": "http://k.test/", skip: "entra-token, smoke-test" };
    await refused("..", { ...(await pipelineInputs()), ...changes }, /^jwks-uri must be an https:\/\/ URL/);
  });
});
