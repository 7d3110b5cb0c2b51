// Function Compute answers GetFunction with settings fc-deploy never sends (cpu, diskSize,
// instanceConcurrency, internetAccess, layers, log and tracing config, the resolved image). Decision
// table, against what the FC emulator answers for a function created exactly as fc-deploy creates it:
// which server-filled fields count as unchanged, and which real changes are still exactly one change.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { zipSync } from "fflate";
import {
  CONTAINER_RUNTIME,
  type DeployedFunction,
  type FunctionSpec,
  functionChanges,
  functionFields,
} from "../src/alibaba/function-spec.ts";
import { FcApi } from "./emulators/alibaba/fc-api.ts";
import { codeChecksum } from "./emulators/alibaba/function-model.ts";
import { defaultCpu } from "./emulators/alibaba/function-server-defaults.ts";
import { AlibabaState } from "./emulators/alibaba/state.ts";
import type { StsService } from "./emulators/alibaba/sts.ts";

const zip = Buffer.from(zipSync({ "index.js": new TextEncoder().encode("exports.handler = () => 'hi';") }));
const IMAGE = "registry.cn-hangzhou.aliyuncs.com/ns/hello:1";

const zipSpec: FunctionSpec = {
  functionName: "fn-zip",
  runtime: "nodejs20",
  handler: "index.handler",
  memorySize: 256,
  timeout: 30,
  role: "",
  environmentVariables: { GREETING: "hi" },
  code: { kind: "zip", zipBase64: zip.toString("base64"), checksum: codeChecksum(zip) },
};
const imageSpec: FunctionSpec = {
  ...zipSpec,
  functionName: "fn-image",
  runtime: CONTAINER_RUNTIME,
  code: { kind: "image", image: IMAGE, port: 9000 },
};

/** GetFunction's answer for a function CreateFunction made from fc-deploy's own body. */
async function created(spec: FunctionSpec): Promise<Record<string, unknown>> {
  const state = new AlibabaState("1234567890123456", "cn-hangzhou");
  state.images.set(IMAGE, { command: ["true"] });
  // No role is attached, so the STS side is never consulted.
  const api = new FcApi({
    state,
    sts: {} as StsService,
    caFile: "",
    activeDelayMs: 0,
    now: () => new Date(),
  });
  const caller = { name: "user/deployer", canPassRole: true };
  const body = Buffer.from(JSON.stringify({ functionName: spec.functionName, ...functionFields(spec) }));
  await api.handle("CreateFunction", undefined, body, caller);
  const answer = await api.handle("GetFunction", spec.functionName, Buffer.alloc(0), caller);
  return answer.body as Record<string, unknown>;
}

describe("FC server defaults: what counts as a change", () => {
  it("GetFunction carries settings fc-deploy never sent", async () => {
    const view = await created(zipSpec);
    assert.equal(view.diskSize, 512);
    assert.equal(view.internetAccess, true);
    assert.equal(view.instanceConcurrency, 1);
    assert.equal(view.cpu, defaultCpu(256));
    assert.deepEqual(view.layers, []);
    assert.equal(view.codeChecksum, zipSpec.code.kind === "zip" ? zipSpec.code.checksum : "");
  });

  for (const spec of [zipSpec, imageSpec]) {
    it(`unchanged: the ${spec.code.kind} function as GetFunction answers it`, async () => {
      const view = (await created(spec)) as DeployedFunction;
      assert.deepEqual(functionChanges(view, spec), []);
    });
  }

  const changes: [string, FunctionSpec, Partial<FunctionSpec>, string[]][] = [
    ["more memory", zipSpec, { memorySize: 512 }, ["memory"]],
    ["a longer timeout", zipSpec, { timeout: 60 }, ["timeout"]],
    ["another env value", zipSpec, { environmentVariables: { GREETING: "hello" } }, ["env"]],
    ["a role", zipSpec, { role: "acs:ram::1234567890123456:role/fc-writer" }, ["role"]],
    ["another handler", zipSpec, { handler: "main.handler" }, ["handler"]],
    ["new code", zipSpec, { code: { kind: "zip", zipBase64: "", checksum: "1" } }, ["code-path"]],
    ["another image tag", imageSpec, { code: { kind: "image", image: `${IMAGE}-2`, port: 9000 } }, ["image"]],
    ["another container port", imageSpec, { code: { kind: "image", image: IMAGE, port: 8080 } }, ["image"]],
  ];
  for (const [name, base, change, expected] of changes) {
    it(`changed: ${name} is exactly one change`, async () => {
      const view = (await created(base)) as DeployedFunction;
      assert.deepEqual(functionChanges(view, { ...base, ...change }), expected);
    });
  }
});

describe("defaultCpu stays inside FC's documented vCPU:GB window (1:1 to 1:4)", () => {
  for (const memory of [128, 256, 512, 1024, 2048, 4096, 32768]) {
    it(`${memory} MB`, () => {
      const cpu = defaultCpu(memory);
      const gigabytes = memory / 1024;
      assert.ok(cpu >= gigabytes / 4 - 1e-9 && cpu <= gigabytes + 1e-9, `${cpu} vCPU for ${gigabytes} GB`);
    });
  }
});
