// teardown on Function Compute, through the built actions and the built CLI against the Alibaba
// emulator: the fngate-run tag fc-deploy sets on a function it creates, and a teardown that deletes that
// function's triggers, aliases and versions (FC refuses to delete a function that still has them), then
// the function, and nothing of another run or without the tag, and finds nothing the second time.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addFunctionChild } from "./emulators/alibaba/fc-cleanup-api.ts";
import {
  accessKeyDeployInputs,
  examplesDir,
  type StartedAlibabaFixture,
  startAlibabaFixture,
} from "./emulators/alibaba/fixture.ts";
import { isMutatingFcCall } from "./emulators/alibaba/server.ts";
import type { EmulatorStack } from "./emulators/stack.ts";
import type { StepResult } from "./runner/index.ts";
import { cliSandbox, flagsOf } from "./support/cli-process.ts";
import { passed } from "./support/passed.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

const RUN_A = { GITHUB_RUN_ID: "777", GITHUB_RUN_ATTEMPT: "3" };
const RUN_B = { GITHUB_RUN_ID: "778", GITHUB_RUN_ATTEMPT: "1" };

let fx: StartedAlibabaFixture;
let stack: EmulatorStack;
before(async () => {
  fx = await startAlibabaFixture();
  stack = fx.stack;
});
after(async () => {
  await fx?.close();
});

const state = () => stack.alibaba.state;
const tagsOf = (name: string) => state().functions.get(name)?.body.tags;

/** Runs `action` as a job of REPOSITORY (GitHub OIDC on), in a checkout of the example. */
function run(
  action: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<StepResult> {
  return fx.run(action, inputs, { env, oidc: true });
}

function teardownInputs(label: string): Record<string, string> {
  return {
    cloud: "fc",
    "run-label": label,
    region: "cn-hangzhou",
    "oidc-provider-arn": fx.providerArn,
    "role-to-assume": fx.deployer.arn,
  };
}

describe("teardown on Function Compute", () => {
  it("tags a created function, deletes it with its triggers, aliases and versions, leaves the rest, and then finds nothing", async () => {
    passed(await run("fc-deploy", accessKeyDeployInputs(fx, "fn-run-a"), RUN_A));
    assert.deepEqual(tagsOf("fn-run-a"), [{ Key: "fngate-run", Value: "777-3" }]);
    assert.equal((await run("fc-deploy", accessKeyDeployInputs(fx, "fn-run-b"), RUN_B)).exitCode, 0);
    assert.equal((await run("fc-deploy", accessKeyDeployInputs(fx, "fn-plain"))).exitCode, 0);
    assert.equal(tagsOf("fn-plain"), undefined, "no run id, no run-label: no tag");

    // An update (another run, a new setting) keeps the tag; a re-run changes nothing.
    const updated = await run("fc-deploy", accessKeyDeployInputs(fx, "fn-run-a", { memory: "1024" }), RUN_B);
    assert.equal(updated.outputs.changed, "true");
    assert.deepEqual(tagsOf("fn-run-a"), [{ Key: "fngate-run", Value: "777-3" }]);
    const before = stack.alibaba.requests.filter(isMutatingFcCall).length;
    const again = await run("fc-deploy", accessKeyDeployInputs(fx, "fn-run-a", { memory: "1024" }), RUN_A);
    assert.equal(again.outputs.changed, "false");
    assert.equal(
      stack.alibaba.requests.filter(isMutatingFcCall).length,
      before,
      "a re-run made a mutating call",
    );

    // What FC makes you delete first, as a trigger, an alias and published versions would leave them.
    addFunctionChild(state(), "triggers", "fn-run-a", "http-trigger", { triggerType: "http" });
    addFunctionChild(state(), "versions", "fn-run-a", "1");
    addFunctionChild(state(), "versions", "fn-run-a", "2");
    addFunctionChild(state(), "aliases", "fn-run-a", "live", { versionId: "2" });
    addFunctionChild(state(), "triggers", "fn-run-b", "timer");

    const down = passed(await run("teardown", teardownInputs("777-3")));
    const deleted = JSON.parse(down.outputs.deleted ?? "[]") as { kind: string; name: string }[];
    assert.deepEqual(
      deleted.map((resource) => `${resource.kind} ${resource.name}`),
      ["trigger http-trigger", "alias live", "version 1", "version 2", "function fn-run-a"],
    );
    const order = stack.alibaba.requests
      .filter(isMutatingFcCall)
      .slice(-5)
      .map((entry) => entry.operation);
    assert.deepEqual(order, [
      "DeleteTrigger",
      "DeleteAlias",
      "DeleteFunctionVersion",
      "DeleteFunctionVersion",
      "DeleteFunction",
    ]);
    assert.equal(state().functions.has("fn-run-a"), false);
    for (const name of ["fn-run-b", "fn-plain"])
      assert.equal(state().functions.has(name), true, `${name} survives`);
    assert.equal(
      state().functionChildren.triggers.get("fn-run-b")?.size,
      1,
      "another run's trigger survives",
    );
    assert.deepEqual(secretsFound(shownByStep(down), fx.secrets()), []);

    const twice = await run("teardown", teardownInputs("777-3"));
    assert.equal(twice.outputs.count, "0");
    assert.match(
      twice.stdout,
      /Nothing carries fngate-run=777-3 in Function Compute functions in cn-hangzhou: nothing to delete\./,
    );
  });
});

describe("fngate teardown (Function Compute)", () => {
  it("tags with --run-label, deletes only that function with AccessKeys from the environment, then finds nothing", async () => {
    await using sandbox = await cliSandbox(fx.env, { cwd: examplesDir });
    const secret = { FNGATE_ACCESS_KEY_SECRET: fx.accessKey.secret };
    for (const [name, label] of [
      ["cli-tagged", "cli-11"],
      ["cli-untagged", ""],
    ] as const) {
      const { "access-key-secret": _secret, ...open } = accessKeyDeployInputs(fx, name, {
        "run-label": label,
      });
      passed(await sandbox.run(["fc-deploy", ...flagsOf(open)], secret));
    }
    const args = [
      "teardown",
      ...flagsOf({
        cloud: "fc",
        region: "cn-hangzhou",
        "run-label": "cli-11",
        "access-key-id": fx.accessKey.id,
      }),
      "--json",
    ];
    const first = passed(await sandbox.run(args, secret));
    assert.equal((JSON.parse(first.stdout) as { outputs: Record<string, string> }).outputs.count, "1");
    assert.equal(state().functions.has("cli-tagged"), false);
    assert.equal(state().functions.has("cli-untagged"), true);
    const second = await sandbox.run(args, secret);
    assert.equal((JSON.parse(second.stdout) as { outputs: Record<string, string> }).outputs.count, "0");
    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), fx.secrets()), []);
  });
});
