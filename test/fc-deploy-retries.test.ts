// fc-deploy retries what is worth retrying (429 throttling, 5xx) with backoff, fails fast on a
// refusal (403), counted in the emulator's request log, and stops its wait at deadline-minutes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type AlibabaFixture,
  accessKeyDeployInputs,
  alibabaFixture,
  examplesDir,
} from "./emulators/alibaba/fixture.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { Job, type StepResult } from "./runner/index.ts";

let stack: EmulatorStack;
let fx: AlibabaFixture;

before(async () => {
  stack = await startEmulatorStack();
  fx = alibabaFixture(stack);
});
after(async () => {
  await stack?.close();
});

async function deploy(name: string, extra: Record<string, string> = {}): Promise<StepResult> {
  const job = await Job.create({ env: fx.env, checkout: examplesDir });
  try {
    return await job.run("fc-deploy", {
      inputs: accessKeyDeployInputs(fx, name, extra),
    });
  } finally {
    await job.dispose();
  }
}

function calls(operation: string, since: number): number {
  return stack.alibaba.requests.slice(since).filter((request) => request.operation === operation).length;
}

function errors(run: StepResult): string[] {
  return run.annotations.filter((a) => a.level === "error").map((a) => a.message);
}

describe("fc-deploy retries", () => {
  it("retries 503 on CreateFunction and 429 on GetFunction, then succeeds", async () => {
    const since = stack.alibaba.requests.length;
    stack.alibaba.faults.push(
      { operation: "GetFunction", status: 429, code: "Throttling.User", times: 1 },
      { operation: "CreateFunction", status: 503, code: "ServiceUnavailable", times: 2 },
    );
    const run = await deploy("retried");
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.changed, "true");
    assert.equal(calls("CreateFunction", since), 3);
    assert.equal(stack.alibaba.state.functions.has("retried"), true);
  });

  it("fails fast on 403: one UpdateFunction call, one explained line", async () => {
    const since = stack.alibaba.requests.length;
    stack.alibaba.faults.push({ operation: "UpdateFunction", status: 403, code: "AccessDenied", times: 1 });
    const run = await deploy("retried", { memory: "1024" });
    assert.equal(run.exitCode, 1);
    assert.deepEqual(errors(run), [
      "UpdateFunction was denied (AccessDenied: injected 403 AccessDenied): grant the deploying identity the AliyunFCFullAccess policy or the fc:UpdateFunction action.",
    ]);
    assert.equal(calls("UpdateFunction", since), 1);
  });

  it("gives up on a persistent 500 after five attempts with one line", async () => {
    const since = stack.alibaba.requests.length;
    stack.alibaba.faults.push({ operation: "GetFunction", status: 500, code: "InternalError", times: 5 });
    const run = await deploy("retried");
    assert.equal(run.exitCode, 1);
    assert.deepEqual(errors(run), [
      "GetFunction kept failing with 500 InternalError after retries: Function Compute is throttling or unavailable; re-run the job later.",
    ]);
    assert.equal(calls("GetFunction", since), 5);
  });

  it("stops waiting at deadline-minutes with one line naming the wait", async () => {
    stack.alibaba.setActiveDelay(60_000);
    try {
      const run = await deploy("slow-start", { "deadline-minutes": "0.05" });
      assert.equal(run.exitCode, 1);
      assert.deepEqual(errors(run), [
        "deadline-minutes (0.05) reached while waiting for function slow-start to become Active (state Pending, last update InProgress); raise deadline-minutes if the step needs longer, or find out what is slow.",
      ]);
    } finally {
      stack.alibaba.setActiveDelay(50);
    }
  });
});
