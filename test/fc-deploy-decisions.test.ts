// The pure decisions behind fc-deploy: which managed fields changed (no-op detection), the code
// package's checksum as FC reports it, and a reproducible zip. Function Compute answers GetFunction with
// settings fc-deploy never sends (cpu, diskSize, instanceConcurrency, internetAccess, layers, log and
// tracing config, the resolved image): against what the FC emulator answers for a function created exactly
// as fc-deploy creates it, which server-filled fields count as unchanged, and which real changes are still
// exactly one change.
import assert from "node:assert/strict";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { zipSync } from "fflate";
import { acrRegistryOf } from "../src/alibaba/acr-image.ts";
import { zipCodeFolder } from "../src/alibaba/code-package.ts";
import { crc64 } from "../src/alibaba/crc64.ts";
import {
  CONTAINER_RUNTIME,
  type DeployedFunction,
  type FunctionSpec,
  functionChanges,
  functionFields,
} from "../src/alibaba/function-spec.ts";
import { envLines } from "../src/inputs/fc-deploy.ts";
import { FcApi } from "./emulators/alibaba/fc-api.ts";
import { codeChecksum } from "./emulators/alibaba/function-model.ts";
import { defaultCpu } from "./emulators/alibaba/function-server-defaults.ts";
import { AlibabaState } from "./emulators/alibaba/state.ts";
import type { StsService } from "./emulators/alibaba/sts.ts";

const ROLE = "acs:ram::1234567890123456:role/fc-oss-writer";

/** The fields the spec and the deployed function both have, alike unless a case overrides them. */
const SHARED = {
  functionName: "fn",
  runtime: "nodejs20",
  handler: "index.handler",
  memorySize: 512,
  timeout: 60,
  role: ROLE,
  environmentVariables: { A: "1" },
};

function spec(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return { ...SHARED, code: { kind: "zip", zipBase64: "", checksum: "42" }, ...overrides };
}

function deployed(overrides: Record<string, unknown> = {}): DeployedFunction {
  return { ...SHARED, codeChecksum: "42", ...overrides } as DeployedFunction;
}

// One changed field against GetFunction's own answer (memory, timeout, handler, env, a role added, code,
// image tag): "FC server defaults: what counts as a change" below.
describe("functionChanges", () => {
  const cases: Record<string, [DeployedFunction, FunctionSpec, string[]]> = {
    identical: [deployed(), spec(), []],
    "role ARN case differs only": [
      deployed({ role: ROLE.toUpperCase().replace("ACS:RAM", "acs:ram") }),
      spec(),
      [],
    ],
    "role removed": [deployed(), spec({ role: "" }), ["role"]],
    "env key removed": [deployed({ environmentVariables: { A: "1", B: "2" } }), spec(), ["env"]],
    "code package to image": [
      deployed(),
      spec({ runtime: "custom-container", code: { kind: "image", image: "r/ns/a:v1", port: 9000 } }),
      ["runtime", "image"],
    ],
    "same image, handler ignored": [
      deployed({
        runtime: "custom-container",
        handler: "x",
        customContainerConfig: { image: "r/ns/a:v1", port: 9000 },
      }),
      spec({ runtime: "custom-container", code: { kind: "image", image: "r/ns/a:v1", port: 9000 } }),
      [],
    ],
  };
  for (const [name, [current, desired, expected]] of Object.entries(cases)) {
    it(name, () => assert.deepEqual(functionChanges(current, desired), expected));
  }
});

describe("code package", () => {
  it("CRC-64 matches the CRC-64/XZ check value FC and OSS use", () => {
    assert.equal(BigInt(crc64(Buffer.from("123456789"))).toString(16), "995dc9bbdf1939fa");
  });

  it("zipping the same folder twice gives the same bytes, whatever the files' times", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fc-zip-"));
    try {
      await writeFile(join(dir, "index.mjs"), "export const handler = () => 'hi';\n");
      const first = await zipCodeFolder(dir);
      await utimes(join(dir, "index.mjs"), new Date(), new Date(Date.now() + 5000));
      const second = await zipCodeFolder(dir);
      assert.equal(second.checksum, first.checksum);
      assert.equal(second.zipBase64, first.zipBase64);
      await writeFile(join(dir, "index.mjs"), "export const handler = () => 'changed';\n");
      assert.notEqual((await zipCodeFolder(dir)).checksum, first.checksum);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("env lines", () => {
  it("reads KEY=VALUE lines, skipping blanks and comments, keeping '=' in values", () => {
    assert.deepEqual(envLines("A=1\n\n# note\nB = x=y \r\nC="), { A: "1", B: "x=y", C: "" });
  });
});

describe("ACR registries by host", () => {
  it("tells Enterprise from Personal Edition hosts; a custom domain tells nothing", () => {
    const cases: [string, ReturnType<typeof acrRegistryOf>][] = [
      [
        "team-ee-registry.cn-hangzhou.cr.aliyuncs.com/ns/app:1",
        { edition: "enterprise", instanceName: "team-ee", region: "cn-hangzhou" },
      ],
      [
        `team-ee-registry-vpc.cn-shanghai.cr.aliyuncs.com/ns/app@sha256:${"a".repeat(64)}`,
        { edition: "enterprise", instanceName: "team-ee", region: "cn-shanghai" },
      ],
      ["registry.cn-hangzhou.aliyuncs.com/ns/app:1", { edition: "personal", region: "cn-hangzhou" }],
      ["registry-vpc.cn-beijing.aliyuncs.com/ns/app:1", { edition: "personal", region: "cn-beijing" }],
      ["images.example.com/ns/app:1", { edition: "unknown" }],
    ];
    for (const [image, expected] of cases) assert.deepEqual(acrRegistryOf(image), expected, image);
  });

  it("a changed acr-instance-id is a change; the same one is not", () => {
    const image = "team-ee-registry.cn-hangzhou.cr.aliyuncs.com/ns/app:1";
    const desired = spec({
      runtime: "custom-container",
      code: { kind: "image", image, port: 9000, acrInstanceId: "cri-0abc1def2ghi3jkl" },
    });
    const withId = (acrInstanceId?: string) =>
      deployed({
        runtime: "custom-container",
        customContainerConfig: { image, port: 9000, ...(acrInstanceId ? { acrInstanceId } : {}) },
      });
    assert.deepEqual(functionChanges(withId("cri-0abc1def2ghi3jkl"), desired), []);
    assert.deepEqual(functionChanges(withId(), desired), ["acr-instance-id"]);
    assert.deepEqual(functionChanges(withId("cri-9zzz8yyy7xxx6www"), desired), ["acr-instance-id"]);
  });
});

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
