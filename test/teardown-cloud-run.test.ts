// teardown on Cloud Run, through the built actions and the built CLI against the Google emulator: the
// fngate-run label cloud-run-deploy sets on a service it creates (and keeps, with the user's labels, on
// update), and a teardown that deletes exactly the services of one run, across pages, then finds none.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type CloudRunFixture,
  IMAGE_V2,
  PROJECT,
  REGION,
  startCloudRunFixture,
} from "./emulators/gcp/fixture.ts";
import type { Job, StepResult } from "./runner/index.ts";
import { cliSandbox, flagsOf } from "./support/cli-process.ts";
import { passed, stepPassed } from "./support/passed.ts";

const RUN_A = { GITHUB_RUN_ID: "5150", GITHUB_RUN_ATTEMPT: "1" };
const RUN_B = { GITHUB_RUN_ID: "5151", GITHUB_RUN_ATTEMPT: "1" };

let fx: CloudRunFixture;
let job: Job;
before(async () => {
  fx = await startCloudRunFixture();
  job = await fx.job();
});
after(async () => {
  await job?.dispose();
  await fx?.close();
});

const serviceName = (id: string) => `projects/${PROJECT}/locations/${REGION}/services/${id}`;
const labelsOf = (id: string) => fx.stack.gcp.state.services.get(serviceName(id))?.body.labels;

async function deploy(
  id: string,
  env: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<StepResult> {
  const run = passed(await job.run("cloud-run-deploy", { inputs: fx.deployInputs(id, extra), env }));
  return run;
}

function teardownInputs(label: string): Record<string, string> {
  return {
    cloud: "cloud-run",
    "run-label": label,
    project: PROJECT,
    region: REGION,
    "workload-identity-provider": fx.provider,
    "service-account": fx.deployer.email,
  };
}

describe("teardown on Cloud Run", () => {
  it("labels a created service, keeps labels on update, deletes only the run's services (across pages) and then finds none", async () => {
    await deploy("svc-a", RUN_A);
    assert.deepEqual(labelsOf("svc-a"), { "fngate-run": "5150-1" });
    await deploy("svc-b", RUN_B);
    await deploy("svc-plain", {});
    assert.deepEqual(labelsOf("svc-plain") ?? {}, {}, "no run id, no run-label: no label");

    // The user adds a label of their own; an update (another run, a new image) keeps both, and a
    // re-run with nothing new changes nothing.
    const stored = fx.stack.gcp.state.services.get(serviceName("svc-a"));
    assert.ok(stored);
    stored.body.labels = { "fngate-run": "5150-1", team: "payments" };
    const updated = await deploy("svc-a", RUN_B, { image: IMAGE_V2 });
    assert.equal(updated.outputs.changed, "true");
    assert.deepEqual(labelsOf("svc-a"), { "fngate-run": "5150-1", team: "payments" });
    const before = fx.mutatingCalls();
    const again = await deploy("svc-a", RUN_A, { image: IMAGE_V2 });
    assert.equal(again.outputs.changed, "false");
    assert.equal(fx.mutatingCalls(), before, "a re-run made a mutating call");

    // More services than one page holds, the run's own listed last.
    for (let n = 0; n < 105; n++) {
      const id = `filler-${String(n).padStart(3, "0")}`;
      fx.stack.gcp.state.services.set(serviceName(id), {
        project: PROJECT,
        region: REGION,
        id,
        revisions: 1,
        body: { name: serviceName(id), labels: { "fngate-run": "someone-else" }, etag: `"e${n}"` },
      });
    }
    await deploy("zz-last", RUN_A);

    const down = await stepPassed(job, "teardown", teardownInputs("5150-1"));
    assert.deepEqual(JSON.parse(down.outputs.deleted ?? "[]"), [
      { kind: "service", name: "svc-a", id: serviceName("svc-a") },
      { kind: "service", name: "zz-last", id: serviceName("zz-last") },
    ]);
    assert.match(down.stdout, /Deleted 2 services labelled fngate-run=5150-1\./);
    for (const id of ["svc-a", "zz-last"])
      assert.equal(fx.stack.gcp.state.services.has(serviceName(id)), false);
    for (const id of ["svc-b", "svc-plain", "filler-000", "filler-104"]) {
      assert.equal(fx.stack.gcp.state.services.has(serviceName(id)), true, `${id} survives`);
    }

    const twice = await stepPassed(job, "teardown", teardownInputs("5150-1"));
    assert.equal(twice.outputs.count, "0");
    assert.match(
      twice.stdout,
      /Nothing carries fngate-run=5150-1 in Cloud Run services of project my-project-123 in asia-northeast1: nothing to delete\./,
    );
  });
});

describe("fngate teardown (Cloud Run)", () => {
  it("labels with --run-label, deletes only that service with a key file, and then finds none", async () => {
    await using sandbox = await cliSandbox({
      NODE_EXTRA_CA_CERTS: fx.stack.caFile,
      FNGATE_GCP_ENDPOINT: fx.stack.gcp.url,
    });
    const key = { FNGATE_CREDENTIALS_JSON: fx.deployer.json };
    const common = { project: PROJECT, region: REGION };
    for (const [id, label] of [
      ["cli-labelled", "cli-9"],
      ["cli-plain", ""],
    ] as const) {
      const run = await sandbox.run(
        ["cloud-run-deploy", ...flagsOf({ ...common, service: id, image: IMAGE_V2, "run-label": label })],
        key,
      );
      assert.equal(run.exitCode, 0, run.stderr);
    }
    assert.deepEqual(labelsOf("cli-labelled"), { "fngate-run": "cli-9" });
    assert.deepEqual(labelsOf("cli-plain") ?? {}, {}, "the CLI has no default label");
    const args = ["teardown", ...flagsOf({ ...common, cloud: "cloud-run", "run-label": "cli-9" }), "--json"];
    const first = passed(await sandbox.run(args, key));
    assert.equal((JSON.parse(first.stdout) as { outputs: Record<string, string> }).outputs.count, "1");
    assert.equal(fx.stack.gcp.state.services.has(serviceName("cli-labelled")), false);
    assert.equal(fx.stack.gcp.state.services.has(serviceName("cli-plain")), true);
    const second = await sandbox.run(args, key);
    assert.equal((JSON.parse(second.stdout) as { outputs: Record<string, string> }).outputs.count, "0");
    assert.doesNotMatch(first.stdout + first.stderr + second.stderr, /PRIVATE KEY/);
  });
});
