// The Alibaba emulator's versions and aliases, called with the real FC SDK: PublishFunctionVersion numbers
// versions 1, 2, … and snapshots the function; CreateAlias, GetAlias and UpdateAlias refuse what FC
// refuses (unknown versions, a second alias by the same name, a canary that is the main version or
// weighs more than 1); a qualifier runs the version, the alias's version, or its canary for its share.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { statusOf } from "../src/alibaba/fc-failure.ts";
import { FcClient } from "../src/alibaba/sdk.ts";
import { sdkConfig } from "../src/alibaba/sdk-config.ts";
import { errorCode } from "../src/alibaba/sdk-errors.ts";
import { VersionsApi } from "../src/alibaba/versions-api.ts";
import { resolveQualifier } from "./emulators/alibaba/fc-versions.ts";
import { type AlibabaEmulator, startAlibabaEmulator } from "./emulators/alibaba/server.ts";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

let tls: TlsMaterial;
let emulator: AlibabaEmulator;
let versions: VersionsApi;

before(async () => {
  tls = await createTestCa();
  trustCaInProcess(tls.caPem);
  emulator = await startAlibabaEmulator({ tls });
  const key = emulator.state.addAccessKey();
  versions = new VersionsApi(
    new FcClient(
      sdkConfig(
        { host: new URL(emulator.url).host, protocol: "https" },
        { accessKeyId: key.id, accessKeySecret: key.secret, source: "access-key" },
      ),
    ),
  );
  emulator.state.functions.set("fn", {
    body: { functionName: "fn", runtime: "nodejs20", handler: "v1.handler" },
    activeAt: 0,
    settling: "create",
  });
});
after(async () => {
  await emulator?.close();
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

async function refusal(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    return `${statusOf(error)} ${errorCode(error)}`;
  }
  assert.fail("the call was accepted");
}

describe("Alibaba emulator: versions and aliases", () => {
  it("publishes numbered snapshots; aliases point at them, with one canary of weight 0 to 1", async () => {
    assert.equal((await versions.publish("fn", "first")).versionId, "1");
    const stored = emulator.state.functions.get("fn");
    if (stored) stored.body.handler = "v2.handler";
    assert.equal((await versions.publish("fn", "second")).versionId, "2");
    assert.equal((await versions.newestVersion("fn"))?.versionId, "2");
    assert.equal(await versions.getAlias("fn", "live"), undefined);
    assert.equal(
      await refusal(() => versions.createAlias("fn", "live", { versionId: "9" })),
      "404 VersionNotFound",
    );
    await versions.createAlias("fn", "live", { versionId: "1" });
    assert.equal(
      await refusal(() => versions.createAlias("fn", "live", { versionId: "1" })),
      "409 AliasAlreadyExists",
    );
    const canary = (weight: number, id = "2") => ({ versionId: "1", canary: { versionId: id, weight } });
    assert.equal(await refusal(() => versions.updateAlias("fn", "live", canary(1.5))), "400 InvalidArgument");
    assert.equal(
      await refusal(() => versions.updateAlias("fn", "live", canary(0.1, "1"))),
      "400 InvalidArgument",
    );
    await versions.updateAlias("fn", "live", canary(0.25));
    assert.deepEqual((await versions.getAlias("fn", "live"))?.additionalVersionWeight, { "2": 0.25 });

    const handlerAt = (qualifier: string, pick?: number) =>
      resolveQualifier(emulator.state, "fn", qualifier, pick).body.handler;
    assert.equal(handlerAt("LATEST"), "v2.handler");
    assert.equal(handlerAt("1"), "v1.handler");
    assert.equal(handlerAt("live", 0.1), "v2.handler", "inside the canary's 25%");
    assert.equal(handlerAt("live", 0.5), "v1.handler");
    await versions.updateAlias("fn", "live", { versionId: "2" });
    assert.deepEqual((await versions.getAlias("fn", "live"))?.additionalVersionWeight, {});
    assert.equal(handlerAt("live", 0.1), "v2.handler");
  });
});
