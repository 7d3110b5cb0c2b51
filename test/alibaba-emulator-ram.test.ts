// The Alibaba emulator's read-only identity calls are strict: GetCallerIdentity and RAM GetRole answer
// only a signed request (the signed paths are covered through the real SDK by preflight-fc-checks).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";

let stack: EmulatorStack;

before(async () => {
  stack = await startEmulatorStack();
});
after(async () => {
  await stack?.close();
});

async function anonymous(query: string): Promise<{ status: number; code: string }> {
  const { Agent, fetch } = await import("undici");
  const dispatcher = new Agent({ connect: { ca: stack.caPem } });
  const response = await fetch(`${stack.alibaba.url}/?${query}`, { method: "POST", dispatcher });
  const body = (await response.json()) as { Code: string };
  return { status: response.status, code: body.Code };
}

describe("alibaba emulator: identity reads need a signature", () => {
  it("an unsigned GetCallerIdentity or GetRole is refused with MissingAccessKeyId", async () => {
    assert.deepEqual(await anonymous("Action=GetCallerIdentity&Version=2015-04-01"), {
      status: 400,
      code: "MissingAccessKeyId",
    });
    assert.deepEqual(await anonymous("Action=GetRole&Version=2015-05-01&RoleName=fc-oss-writer"), {
      status: 400,
      code: "MissingAccessKeyId",
    });
    assert.deepEqual(
      stack.alibaba.requests.map((r) => r.operation),
      ["STS:GetCallerIdentity", "RAM:GetRole"],
    );
  });
});
