// fc-deploy as the runner runs it, on an unreliable network and with an ACR Enterprise Edition image.
// It retries what is worth retrying (429 throttling, 5xx) with backoff, fails fast on a refusal (403),
// counted in the emulator's request log, and stops its wait at deadline-minutes. It follows
// HTTPS_PROXY/NO_PROXY like every other action: the Alibaba SDKs' own HTTP client ignores proxy
// options, so the build routes it onto Node's global agents, which the adapter gives the proxy. The
// proxy here is a real CONNECT proxy on loopback that records each tunnel. Function Compute needs
// customContainerConfig.acrInstanceId for an ACR Enterprise Edition image (the emulator refuses it
// without the ID, or with the ID of another instance), so `acr-instance-id` is passed through, checked
// before any call where the registry host tells the edition, and kept on a re-run.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AcrInstance } from "./emulators/alibaba/acr-instances.ts";
import {
  accessKeyDeployInputs,
  examplesDir,
  IMAGE,
  type StartedAlibabaFixture,
  startAlibabaFixture,
} from "./emulators/alibaba/fixture.ts";
import { isMutatingFcCall } from "./emulators/alibaba/server.ts";
import { type ConnectProxy, startConnectProxy } from "./emulators/http/connect-proxy.ts";
import { assertUserFailure, type StepResult } from "./runner/index.ts";
import { refusalTable } from "./support/input-table.ts";
import { passed } from "./support/passed.ts";

const ENTERPRISE_IMAGE = "fngate-ee-registry-vpc.cn-hangzhou.cr.aliyuncs.com/fngate/server:v1";
let fx: StartedAlibabaFixture;
let proxy: ConnectProxy;
let instance: AcrInstance;
let other: AcrInstance;

before(async () => {
  fx = await startAlibabaFixture();
  const { state } = fx.stack.alibaba;
  instance = state.addAcrInstance("fngate-ee");
  other = state.addAcrInstance("other-team");
  state.images.set(ENTERPRISE_IMAGE, {
    command: [process.execPath, join(examplesDir, "function", "server.mjs")],
  });
  proxy = await startConnectProxy();
});
after(async () => {
  await proxy?.close();
  await fx?.close();
});

function deploy(
  name: string,
  extra: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<StepResult> {
  return fx.deploy(accessKeyDeployInputs(fx, name, extra), { env });
}

function calls(operation: string, since: number): number {
  return fx.stack.alibaba.requests.slice(since).filter((request) => request.operation === operation).length;
}

describe("fc-deploy retries", () => {
  it("retries 503 on CreateFunction and 429 on GetFunction, then succeeds", async () => {
    const since = fx.stack.alibaba.requests.length;
    fx.stack.alibaba.faults.next(1, { status: 429, code: "Throttling.User" }, "GetFunction");
    fx.stack.alibaba.faults.next(2, { status: 503, code: "ServiceUnavailable" }, "CreateFunction");
    const run = passed(await deploy("retried"));
    assert.equal(run.outputs.changed, "true");
    assert.equal(calls("CreateFunction", since), 3);
    assert.equal(fx.stack.alibaba.state.functions.has("retried"), true);
  });

  it("fails fast on 403: one UpdateFunction call, one explained line", async () => {
    const since = fx.stack.alibaba.requests.length;
    fx.stack.alibaba.faults.next(1, { status: 403, code: "AccessDenied" }, "UpdateFunction");
    const run = await deploy("retried", { memory: "1024" });
    assertUserFailure(
      run,
      "UpdateFunction was denied (AccessDenied: injected 403 AccessDenied): grant the deploying identity the AliyunFCFullAccess policy or the fc:UpdateFunction action.",
      fx.secrets(),
    );
    assert.equal(calls("UpdateFunction", since), 1);
  });

  it("gives up on a persistent 500 after five attempts with one line", async () => {
    const since = fx.stack.alibaba.requests.length;
    fx.stack.alibaba.faults.next(5, { status: 500, code: "InternalError" }, "GetFunction");
    const run = await deploy("retried");
    assertUserFailure(
      run,
      "GetFunction kept failing with 500 InternalError after retries: Function Compute is throttling or unavailable; re-run the job later.",
      fx.secrets(),
    );
    assert.equal(calls("GetFunction", since), 5);
  });

  it("stops waiting at deadline-minutes with one line naming the wait", async () => {
    fx.stack.alibaba.setActiveDelay(60_000);
    try {
      const run = await deploy("slow-start", { "deadline-minutes": "0.05" });
      assertUserFailure(
        run,
        "deadline-minutes (0.05) reached while waiting for function slow-start to become Active (state Pending, last update InProgress); raise deadline-minutes if the step needs longer, or find out what is slow.",
        fx.secrets(),
      );
    } finally {
      fx.stack.alibaba.setActiveDelay(50);
    }
  });
});

describe("fc-deploy behind a proxy", () => {
  it("sends every Function Compute call through HTTPS_PROXY, without a warning", async () => {
    proxy.reset();
    const run = passed(await deploy("via-proxy", {}, { HTTPS_PROXY: proxy.url }));
    assert.deepEqual(
      run.annotations.filter((a) => a.level === "warning"),
      [],
    );
    const target = new URL(fx.stack.alibaba.url);
    assert.ok(proxy.total() > 0, "no call went through the proxy");
    assert.deepEqual([...proxy.tunnels.keys()], [`${target.hostname}:${target.port}`]);
  });

  it("calls directly when NO_PROXY lists the host", async () => {
    proxy.reset();
    const run = await deploy("no-proxy", {}, { HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(proxy.total(), 0);
  });

  it("fails with one explained line when the proxy cannot be reached", async () => {
    const run = await deploy("dead-proxy", {}, { HTTPS_PROXY: "http://127.0.0.1:9" });
    const target = new URL(fx.stack.alibaba.url);
    assertUserFailure(
      run,
      new RegExp(
        `^GetFunction: no answer from Function Compute at ${target.host.replace(/\./g, "\\.")} \\(ECONNREFUSED\\) after retries: check region, FNGATE_ALIBABA_ENDPOINT and, behind a proxy, HTTPS_PROXY and NO_PROXY\\.`,
      ),
      fx.secrets(),
    );
  });
});

function deployImage(inputs: Record<string, string>): Promise<StepResult> {
  const key = { "access-key-id": fx.accessKey.id, "access-key-secret": fx.accessKey.secret };
  return fx.deploy({ ...key, ...inputs }, { checkout: false });
}

const mutating = () => fx.stack.alibaba.requests.filter(isMutatingFcCall).length;

describe("fc-deploy with an ACR Enterprise Edition image", () => {
  it("passes acr-instance-id through as customContainerConfig.acrInstanceId; a re-run changes nothing", async () => {
    const inputs = { function: "ee-image", image: ENTERPRISE_IMAGE, "acr-instance-id": instance.id };
    passed(await deployImage(inputs));
    const stored = fx.stack.alibaba.state.functions.get("ee-image")?.body.customContainerConfig as {
      image: string;
      acrInstanceId?: string;
    };
    assert.equal(stored.image, ENTERPRISE_IMAGE);
    assert.equal(stored.acrInstanceId, instance.id);
    const before = mutating();
    const rerun = passed(await deployImage(inputs));
    assert.equal(rerun.outputs.changed, "false");
    assert.equal(mutating(), before, "no mutating call");
  });

  it("the ID of another instance: Function Compute refuses it, explained as acr-instance-id", async () => {
    const run = await deployImage({
      function: "ee-mismatch",
      image: ENTERPRISE_IMAGE,
      "acr-instance-id": other.id,
    });
    assertUserFailure(
      run,
      `acr-instance-id: Function Compute refused it (customContainerConfig.acrInstanceId ${other.id} is not the Container Registry Enterprise Edition instance of fngate-ee-registry-vpc.cn-hangzhou.cr.aliyuncs.com): set it to the ID (cri-…) of the ACR Enterprise Edition instance that serves the image's registry host (Container Registry console > Instances).`,
      fx.secrets(),
    );
    assert.equal(fx.stack.alibaba.state.functions.has("ee-mismatch"), false);
  });

  // Refused in process (test/support/input-table.ts), before any call and before any file is written.
  describe("refused before any call", () => {
    const ID = "cri-0abc1def2ghi3jkl";
    refusalTable(
      "fc-deploy",
      () => ({
        inputs: {
          region: "cn-hangzhou",
          "access-key-id": fx.accessKey.id,
          "access-key-secret": fx.accessKey.secret,
        },
      }),
      {
        "without acr-instance-id: one line naming it": [
          { function: "ee-missing", image: ENTERPRISE_IMAGE },
          `acr-instance-id is required: image ${ENTERPRISE_IMAGE} is in the ACR Enterprise Edition instance fngate-ee (cn-hangzhou), and Function Compute pulls such images only with the instance's ID; set acr-instance-id to it (cri-…, Container Registry console > Instances > fngate-ee).`,
        ],
        "a malformed ID": [
          { function: "ee-bad", image: ENTERPRISE_IMAGE, "acr-instance-id": "fngate-ee" },
          'acr-instance-id must be an ACR Enterprise Edition instance ID such as cri-0abc1def2ghi3jkl (cri- and lower-case letters and digits); got "fngate-ee".',
        ],
        "an ID for a Personal Edition image": [
          { function: "pe-with-id", image: IMAGE, "acr-instance-id": ID },
          `acr-instance-id applies to ACR Enterprise Edition images only, and image ${IMAGE} is in ACR Personal Edition (registry.cn-hangzhou.aliyuncs.com): remove acr-instance-id, or use the image's Enterprise Edition address (<instance>-registry.<region>.cr.aliyuncs.com).`,
        ],
        "an ID with code-path": [
          {
            function: "code-with-id",
            "code-path": join(examplesDir, "function"),
            runtime: "nodejs20",
            handler: "index.handler",
            "acr-instance-id": ID,
          },
          "acr-instance-id applies to image only (an ACR Enterprise Edition image): remove it, or deploy an image instead of code-path.",
        ],
      },
    );
  });
});
