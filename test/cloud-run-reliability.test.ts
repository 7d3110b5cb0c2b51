// cloud-run-deploy under faults: 429/503 answers are retried with backoff and the deploy completes;
// a deploy operation that outlasts deadline-minutes fails cleanly with one line naming the wait;
// wait: false returns without waiting for the operation.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { type CloudRunFixture, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { assertUserFailure } from "./runner/index.ts";

let fx: CloudRunFixture;
before(async () => {
  fx = await startCloudRunFixture();
});
after(async () => {
  await fx?.close();
});

it("retries 503 on reads and 429 on the IAM write, then completes", async () => {
  const { state } = fx.stack.gcp;
  state.faults.push({ path: /\/services\/flaky-fn$/, status: 503, times: 2 });
  state.faults.push({ path: /flaky-fn:setIamPolicy$/, status: 429 });
  await using job = await fx.job();
  const run = await job.run("cloud-run-deploy", { inputs: fx.deployInputs("flaky-fn") });
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.equal(state.faults.length, 0, "every fault was met");
  const statuses = state.requests.filter((r) => r.path.includes("flaky-fn")).map((r) => r.status);
  assert.ok(statuses.includes(503) && statuses.includes(429), statuses.join(","));
  assert.equal(run.outputs.changed, "true");
});

it("a deploy operation that outlasts deadline-minutes fails with one line naming the wait", async () => {
  fx.stack.gcp.setOperationDelay(10 * 60_000);
  const job = await fx.job();
  try {
    const run = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("slow-fn", { "deadline-minutes": "0.03" }),
    });
    assertUserFailure(
      run,
      /^deadline-minutes \(0\.03\) reached while waiting for operation projects\/my-project-123\/locations\/asia-northeast1\/operations\/[0-9a-f-]+ to finish; raise deadline-minutes if the step needs longer, or find out what is slow\.$/,
    );
  } finally {
    fx.stack.gcp.setOperationDelay(50);
    await job.dispose();
  }
});

it("wait: false starts the deploy and returns", async () => {
  fx.stack.gcp.setOperationDelay(10 * 60_000);
  const job = await fx.job();
  try {
    const run = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("nowait-fn", { wait: "false" }),
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.changed, "true");
    assert.match(
      run.stdout,
      /Not waiting for projects\/my-project-123\/locations\/asia-northeast1\/operations\//,
    );
  } finally {
    fx.stack.gcp.setOperationDelay(50);
    await job.dispose();
  }
});
