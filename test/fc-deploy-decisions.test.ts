// The pure decisions behind fc-deploy: which managed fields changed (no-op detection), the code
// package's checksum as FC reports it, and a reproducible zip.
import assert from "node:assert/strict";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { acrRegistryOf } from "../src/alibaba/acr-image.ts";
import { zipCodeFolder } from "../src/alibaba/code-package.ts";
import { crc64 } from "../src/alibaba/crc64.ts";
import { type DeployedFunction, type FunctionSpec, functionChanges } from "../src/alibaba/function-spec.ts";
import { envLines } from "../src/inputs/fc-deploy.ts";

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

describe("functionChanges", () => {
  const cases: Record<string, [DeployedFunction, FunctionSpec, string[]]> = {
    identical: [deployed(), spec(), []],
    "role ARN case differs only": [
      deployed({ role: ROLE.toUpperCase().replace("ACS:RAM", "acs:ram") }),
      spec(),
      [],
    ],
    memory: [deployed({ memorySize: 1024 }), spec(), ["memory"]],
    timeout: [deployed({ timeout: 3 }), spec(), ["timeout"]],
    handler: [deployed({ handler: "main.handler" }), spec(), ["handler"]],
    "role removed": [deployed(), spec({ role: "" }), ["role"]],
    "role added": [deployed({ role: undefined }), spec(), ["role"]],
    "env value": [deployed({ environmentVariables: { A: "2" } }), spec(), ["env"]],
    "env key removed": [deployed({ environmentVariables: { A: "1", B: "2" } }), spec(), ["env"]],
    "code checksum": [deployed({ codeChecksum: "43" }), spec(), ["code-path"]],
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
    "new image tag": [
      deployed({ runtime: "custom-container", customContainerConfig: { image: "r/ns/a:v1", port: 9000 } }),
      spec({ runtime: "custom-container", code: { kind: "image", image: "r/ns/a:v2", port: 9000 } }),
      ["image"],
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
