// teardown on OCI, through the built actions against the OCI emulator: the run label the deploy actions
// set (GitHub's run id and attempt by default), a teardown that deletes exactly what one run created
// (function, API deployment, its routes in a deployment the run did not create) and leaves another
// run's and unlabelled resources alone, then finds nothing the second time. `fngate teardown` (--run-label
// only, no default label): teardown-cloud-run and teardown-fc.test.ts; the CLI's OCI commands on its own
// fn-context profile: cli-pipeline.test.ts "runs step by step".
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertUserFailure, type Job } from "./runner/index.ts";
import { type GatewayFixture, startGatewayFixture } from "./support/gateway-fixture.ts";
import { passed } from "./support/passed.ts";

const DIGEST = `sha256:${"a".repeat(64)}`;
const RUN_A = { GITHUB_RUN_ID: "4242", GITHUB_RUN_ATTEMPT: "1" };
const RUN_B = { GITHUB_RUN_ID: "4243", GITHUB_RUN_ATTEMPT: "2" };

let gw: GatewayFixture;
let job: Job;
before(async () => {
  gw = await startGatewayFixture();
  job = await gw.preparedJob();
});
after(async () => {
  await job?.dispose();
  await gw?.close();
});

const state = () => gw.oci.stack.oci.state;
const image = (name: string) =>
  `ocir.us-phoenix-1.oci.oraclecloud.com/${gw.oci.namespace}/fngate/${name}@${DIGEST}`;

async function step(name: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  return passed(await job.run(name, { inputs, env }));
}

/** fn-deploy's inputs for function `name` of application fngate, from its image in OCIR. */
const fnInputs = (name: string) => ({
  application: "fngate",
  "compartment-ocid": gw.oci.tenancyId,
  function: name,
  image: image(name),
});

async function deployFunction(name: string, env: Record<string, string>, extra: Record<string, string> = {}) {
  const run = await step("fn-deploy", { ...fnInputs(name), ...extra }, env);
  return run.outputs["function-id"] ?? "";
}

function lifecycleOf(functionId: string): string {
  const fn = state().fn.functions.get(functionId);
  return fn ? state().fn.settle(fn).lifecycleState : "missing";
}

function deploymentState(id: string | undefined): string {
  const deployment = state().apigw.deployments.get(id ?? "");
  return deployment ? state().apigw.settle(deployment).lifecycleState : "missing";
}

const teardownInputs = (label: string) => ({
  cloud: "oci",
  "run-label": label,
  "compartment-ocid": gw.oci.tenancyId,
});

describe("teardown on OCI", () => {
  it("labels what a run creates, deletes exactly that (a route from a deployment it did not create too), and finds nothing the second time", async () => {
    const fnA = await deployFunction("run-a", RUN_A);
    assert.deepEqual(state().fn.functions.get(fnA)?.freeformTags, { "fngate-run": "4242-1" });
    const deploymentA = (await step("gateway-deploy", gw.inputs("run-a", { "function-id": fnA }), RUN_A))
      .outputs["deployment-id"];
    assert.deepEqual(state().apigw.deployments.get(deploymentA ?? "")?.freeformTags, {
      "fngate-run": "4242-1",
    });

    // A deployment nobody labelled (as the CLI makes without run-label), to which run A adds a route.
    const shared = (await step("gateway-deploy", gw.inputs("shared", { "route-path": "/hello" }))).outputs[
      "deployment-id"
    ];
    await step("gateway-deploy", gw.inputs("shared", { "route-path": "/a", "function-id": fnA }), RUN_A);
    assert.deepEqual(
      state().apigw.deployments.get(shared ?? "")?.freeformTags,
      {},
      "an update adds no label",
    );
    assert.deepEqual(gw.routesOf(shared).length, 2);

    // Another run's function and deployment, and a re-run of run A that must change nothing.
    const fnB = await deployFunction("run-b", RUN_B);
    const deploymentB = (await step("gateway-deploy", gw.inputs("run-b", { "function-id": fnB }), RUN_B))
      .outputs["deployment-id"];
    const before = gw.mutatingCalls();
    const again = await step("fn-deploy", fnInputs("run-a"), RUN_A);
    assert.equal(again.outputs.changed, "false");
    // Even another run's label does not relabel what exists: tags are set on create only.
    await step("fn-deploy", fnInputs("run-a"), RUN_B);
    assert.equal(gw.mutatingCalls(), before, "re-runs made a mutating call");
    assert.deepEqual(state().fn.functions.get(fnA)?.freeformTags, { "fngate-run": "4242-1" });

    const down = await step("teardown", teardownInputs("4242-1"));
    const deleted = JSON.parse(down.outputs.deleted ?? "[]") as { kind: string; name: string; id: string }[];
    assert.deepEqual(deleted.map((resource) => `${resource.kind} ${resource.name}`).sort(), [
      "deployment run-a",
      "function run-a",
      "route GET /a",
    ]);
    assert.equal(down.outputs.count, "3");
    assert.match(down.stdout, /Deleted 1 deployment, 1 route and 1 function labelled fngate-run=4242-1\./);
    assert.match(down.summary, /fngate: teardown/);
    assert.equal(lifecycleOf(fnA), "DELETED");
    assert.equal(deploymentState(deploymentA), "DELETED");
    assert.deepEqual(gw.routesOf(shared), ["GET /hello -> hello"]);
    assert.equal(deploymentState(shared), "ACTIVE");
    for (const id of [fnB, gw.fnHello, gw.fnOther]) assert.equal(lifecycleOf(id), "ACTIVE");
    assert.equal(deploymentState(deploymentB), "ACTIVE");

    const twice = await step("teardown", teardownInputs("4242-1"));
    assert.equal(twice.outputs.count, "0");
    assert.equal(twice.outputs.deleted, "[]");
    assert.match(twice.stdout, /Nothing carries fngate-run=4242-1 in compartment .*: nothing to delete\./);

    // The run's name is free again: a new run can deploy under it.
    const fnA2 = await deployFunction("run-a", { GITHUB_RUN_ID: "4244", GITHUB_RUN_ATTEMPT: "1" });
    assert.notEqual(fnA2, fnA);
    assert.equal(lifecycleOf(fnB), "ACTIVE");
  });

  it("the root action labels what its fn-deploy and gateway-deploy stages create, and teardown removes both", async () => {
    // The pipeline hands fn-deploy's function to gateway-deploy itself: no function-id input.
    const { "function-id": _fnId, ...gatewayInputs } = gw.inputs("piped");
    const inputs = {
      skip: "fn-context, ocir-login, entra-token, smoke-test",
      ...gatewayInputs,
      application: "fngate",
      function: "piped",
      image: image("piped"),
      "run-label": "piped-1",
    };
    const run = await step("..", inputs);
    const fn = run.outputs["function-id"] ?? "";
    const deployment = run.outputs["deployment-id"] ?? "";
    assert.deepEqual(state().fn.functions.get(fn)?.freeformTags, { "fngate-run": "piped-1" });
    assert.deepEqual(state().apigw.deployments.get(deployment)?.freeformTags, { "fngate-run": "piped-1" });
    const down = await step("teardown", teardownInputs("piped-1"));
    assert.equal(down.outputs.count, "2");
    assert.equal(lifecycleOf(fn), "DELETED");
    assert.equal(deploymentState(deployment), "DELETED");
  });

  it("follows a deletion under deadline-minutes and names what it was waiting for when the deadline comes", async () => {
    const slow = (await step("gateway-deploy", gw.inputs("slow", { "run-label": "slow-1" }))).outputs[
      "deployment-id"
    ];
    const timings = state().apigw.timings;
    const saved = { ...timings };
    timings.workRequestInProgressMs = 10 * 60_000;
    try {
      const run = await job.run("teardown", {
        inputs: { ...teardownInputs("slow-1"), "deadline-minutes": "0.05" },
      });
      assertUserFailure(
        run,
        /^deadline-minutes \(0\.05\) reached while waiting for deleting deployment slow \(work request \S+ still IN_PROGRESS\); raise deadline-minutes/,
      );
      assert.equal(deploymentState(slow), "DELETING");
    } finally {
      Object.assign(timings, saved);
    }
  });
});
