// fc-deploy with a container image in ACR Enterprise Edition, run as the runner runs it: Function
// Compute needs customContainerConfig.acrInstanceId for such an image (the emulator refuses it without
// the ID, or with the ID of another instance), so `acr-instance-id` is passed through, checked before
// any call where the registry host tells the edition, and kept on a re-run.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AcrInstance } from "./emulators/alibaba/acr-instances.ts";
import {
  examplesDir,
  IMAGE,
  type StartedAlibabaFixture,
  startAlibabaFixture,
} from "./emulators/alibaba/fixture.ts";
import { isMutatingFcCall } from "./emulators/alibaba/server.ts";
import { assertUserFailure, type StepResult } from "./runner/index.ts";

let fx: StartedAlibabaFixture;
let instance: AcrInstance;
let other: AcrInstance;
let enterpriseImage: string;

before(async () => {
  fx = await startAlibabaFixture();
  const { state } = fx.stack.alibaba;
  instance = state.addAcrInstance("fngate-ee");
  other = state.addAcrInstance("other-team");
  enterpriseImage = "fngate-ee-registry-vpc.cn-hangzhou.cr.aliyuncs.com/fngate/server:v1";
  state.images.set(enterpriseImage, {
    command: [process.execPath, join(examplesDir, "function", "server.mjs")],
  });
});
after(async () => {
  await fx?.close();
});

function deploy(inputs: Record<string, string>): Promise<StepResult> {
  const key = { "access-key-id": fx.accessKey.id, "access-key-secret": fx.accessKey.secret };
  return fx.deploy({ ...key, ...inputs }, { checkout: false });
}

/** The deploy failed as a user error with `message`, and showed no secret. */
async function refused(inputs: Record<string, string>, message: string): Promise<void> {
  assertUserFailure(await deploy(inputs), message, fx.secrets());
}

const fcCalls = () => fx.stack.alibaba.requests.filter((r) => r.operation.endsWith("Function")).length;
const mutating = () => fx.stack.alibaba.requests.filter(isMutatingFcCall).length;

describe("fc-deploy with an ACR Enterprise Edition image", () => {
  it("passes acr-instance-id through as customContainerConfig.acrInstanceId; a re-run changes nothing", async () => {
    const inputs = { function: "ee-image", image: enterpriseImage, "acr-instance-id": instance.id };
    const run = await deploy(inputs);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const stored = fx.stack.alibaba.state.functions.get("ee-image")?.body.customContainerConfig as {
      image: string;
      acrInstanceId?: string;
    };
    assert.equal(stored.image, enterpriseImage);
    assert.equal(stored.acrInstanceId, instance.id);
    const before = mutating();
    const rerun = await deploy(inputs);
    assert.equal(rerun.exitCode, 0, rerun.stdout + rerun.stderr);
    assert.equal(rerun.outputs.changed, "false");
    assert.equal(mutating(), before, "no mutating call");
  });

  it("without acr-instance-id: one line naming it, before any call", async () => {
    const calls = fcCalls();
    await refused(
      { function: "ee-missing", image: enterpriseImage },
      `acr-instance-id is required: image ${enterpriseImage} is in the ACR Enterprise Edition instance fngate-ee (cn-hangzhou), and Function Compute pulls such images only with the instance's ID; set acr-instance-id to it (cri-…, Container Registry console > Instances > fngate-ee).`,
    );
    assert.equal(fcCalls(), calls);
  });

  it("the ID of another instance: Function Compute refuses it, explained as acr-instance-id", async () => {
    await refused(
      { function: "ee-mismatch", image: enterpriseImage, "acr-instance-id": other.id },
      `acr-instance-id: Function Compute refused it (customContainerConfig.acrInstanceId ${other.id} is not the Container Registry Enterprise Edition instance of fngate-ee-registry-vpc.cn-hangzhou.cr.aliyuncs.com): set it to the ID (cri-…) of the ACR Enterprise Edition instance that serves the image's registry host (Container Registry console > Instances).`,
    );
    assert.equal(fx.stack.alibaba.state.functions.has("ee-mismatch"), false);
  });

  it("a malformed ID, an ID for a Personal Edition image, an ID with code-path: refused before any call", async () => {
    const calls = fcCalls();
    await refused(
      { function: "ee-bad", image: enterpriseImage, "acr-instance-id": "fngate-ee" },
      'acr-instance-id must be an ACR Enterprise Edition instance ID such as cri-0abc1def2ghi3jkl (cri- and lower-case letters and digits); got "fngate-ee".',
    );
    await refused(
      { function: "pe-with-id", image: IMAGE, "acr-instance-id": instance.id },
      `acr-instance-id applies to ACR Enterprise Edition images only, and image ${IMAGE} is in ACR Personal Edition (registry.cn-hangzhou.aliyuncs.com): remove acr-instance-id, or use the image's Enterprise Edition address (<instance>-registry.<region>.cr.aliyuncs.com).`,
    );
    await refused(
      {
        function: "code-with-id",
        "code-path": join(examplesDir, "function"),
        runtime: "nodejs20",
        handler: "index.handler",
        "acr-instance-id": instance.id,
      },
      "acr-instance-id applies to image only (an ACR Enterprise Edition image): remove it, or deploy an image instead of code-path.",
    );
    assert.equal(fcCalls(), calls);
  });
});
