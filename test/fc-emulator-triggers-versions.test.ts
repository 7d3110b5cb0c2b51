// The Alibaba emulator's HTTP triggers, versions and aliases, called with the real FC SDK:
// - CreateTrigger, GetTrigger and UpdateTrigger refuse what FC refuses (names, types, triggerConfig,
//   duplicates, missing triggers and functions), and the trigger URL refuses methods the trigger does not
//   take and the parts it does not model.
// - PublishFunctionVersion numbers versions 1, 2, … and snapshots the function; CreateAlias, GetAlias and
//   UpdateAlias refuse what FC refuses (unknown versions, a second alias by the same name, a canary that is
//   the main version or weighs more than 1); a qualifier runs the version, the alias's version, or its
//   canary for its share.
// - DeleteFunction refuses a function with a trigger, alias or version (FunctionNotEmpty), DeleteTrigger a
//   missing trigger; tags follow FC's rules.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { statusOf } from "../src/alibaba/fc-failure.ts";
import {
  CreateFunctionInput,
  CreateFunctionRequest,
  CreateTriggerInput,
  CreateTriggerRequest,
  CustomContainerConfig,
  FcClient,
  Tag,
  UpdateTriggerInput,
  UpdateTriggerRequest,
} from "../src/alibaba/sdk.ts";
import { sdkConfig } from "../src/alibaba/sdk-config.ts";
import { errorCode } from "../src/alibaba/sdk-errors.ts";
import { VersionsApi } from "../src/alibaba/versions-api.ts";
import { addFunctionChild } from "./emulators/alibaba/fc-cleanup-api.ts";
import { resolveQualifier } from "./emulators/alibaba/fc-versions.ts";
import { IMAGE } from "./emulators/alibaba/fixture.ts";
import { type AlibabaEmulator, startAlibabaEmulator } from "./emulators/alibaba/server.ts";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { httpsGet } from "./support/https-get.ts";

let tls: TlsMaterial;
let emulator: AlibabaEmulator;
let client: FcClient;
let versions: VersionsApi;

before(async () => {
  tls = await createTestCa();
  trustCaInProcess(tls.caPem);
  emulator = await startAlibabaEmulator({ tls });
  const key = emulator.state.addAccessKey();
  client = new FcClient(
    sdkConfig(
      { host: new URL(emulator.url).host, protocol: "https" },
      { accessKeyId: key.id, accessKeySecret: key.secret, source: "access-key" },
    ),
  );
  versions = new VersionsApi(client);
  for (const name of ["fn", "versioned"]) {
    emulator.state.functions.set(name, {
      body: { functionName: name, runtime: "nodejs20", handler: "v1.handler" },
      activeAt: 0,
      settling: "create",
    });
  }
});
after(async () => {
  await emulator?.close();
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

const config = (fields: Record<string, unknown>) =>
  JSON.stringify({ authType: "anonymous", methods: ["GET"], ...fields });

/** Asserts that `call` is refused with `answer` ("<status> <code>"). */
async function refuses(call: () => Promise<unknown>, answer: string, why?: string): Promise<void> {
  try {
    await call();
  } catch (error) {
    return assert.equal(`${statusOf(error)} ${errorCode(error)}`, answer, why);
  }
  assert.fail(`the call was accepted: ${why ?? answer}`);
}

function create(functionName: string, fields: Record<string, unknown>) {
  return client.createTrigger(
    functionName,
    new CreateTriggerRequest({
      body: new CreateTriggerInput({
        triggerName: "http",
        triggerType: "http",
        triggerConfig: config({}),
        ...fields,
      }),
    }),
  );
}

describe("Alibaba emulator: HTTP triggers", () => {
  it("CreateTrigger refuses bad names, other types, bad configs and a JWT trigger without keys", async () => {
    const noKeys = {
      authType: "jwt",
      authConfig: JSON.stringify({ TokenLookup: "header:Authorization:Bearer" }),
    };
    const refused: [string, Record<string, unknown>][] = [
      ["a name starting with a digit", { triggerName: "1http" }],
      ["another trigger type", { triggerType: "timer" }],
      ["a triggerConfig that is not JSON", { triggerConfig: "{" }],
      ["an unknown authType", { triggerConfig: config({ authType: "none" }) }],
      ["an unknown method", { triggerConfig: config({ methods: ["FETCH"] }) }],
      ["a JWT trigger without keys", { triggerConfig: config(noKeys) }],
    ];
    for (const [why, fields] of refused)
      await refuses(() => create("fn", fields), "400 InvalidArgument", why);
    await refuses(() => create("absent", {}), "404 FunctionNotFound");
  });

  it("creates one trigger per name, returns its URL, and updates it; a missing one is TriggerNotFound", async () => {
    const created = await create("fn", {});
    assert.match(created.body?.httpTrigger?.urlInternet ?? "", /\/fc-http\/fn\/http$/);
    await refuses(() => create("fn", {}), "409 TriggerAlreadyExists");
    const fetched = await client.getTrigger("fn", "http");
    assert.equal(fetched.body?.triggerConfig, config({}));
    await refuses(() => client.getTrigger("fn", "other"), "404 TriggerNotFound");
    const update = (triggerConfig: string) =>
      client.updateTrigger(
        "fn",
        "http",
        new UpdateTriggerRequest({ body: new UpdateTriggerInput({ triggerConfig }) }),
      );
    await refuses(() => update(config({ authType: "jwt" })), "400 InvalidArgument");
    await update(config({ methods: ["POST"] }));
    assert.equal((await client.getTrigger("fn", "http")).body?.triggerConfig, config({ methods: ["POST"] }));
  });

  it("the trigger URL refuses a method it does not take, an unknown trigger, and signature auth it does not model", async () => {
    await create("fn", { triggerName: "signed", triggerConfig: config({ authType: "function" }) });
    const base = emulator.url.replace(/\/$/, "");
    assert.equal(await statusAt(`${base}/fc-http/fn/http`, "GET"), 405, "the trigger now takes POST only");
    assert.equal(await statusAt(`${base}/fc-http/fn/none`, "GET"), 404);
    assert.equal(await statusAt(`${base}/fc-http/fn/signed`, "GET"), 501);
  });
});

const statusAt = async (url: string, method: string) => (await httpsGet(url, tls.caPem, {}, method)).status;

describe("Alibaba emulator: versions and aliases", () => {
  it("publishes numbered snapshots; aliases point at them, with one canary of weight 0 to 1", async () => {
    assert.equal((await versions.publish("versioned", "first")).versionId, "1");
    const stored = emulator.state.functions.get("versioned");
    if (stored) stored.body.handler = "v2.handler";
    assert.equal((await versions.publish("versioned", "second")).versionId, "2");
    assert.equal((await versions.newestVersion("versioned"))?.versionId, "2");
    assert.equal(await versions.getAlias("versioned", "live"), undefined);
    await refuses(() => versions.createAlias("versioned", "live", { versionId: "9" }), "404 VersionNotFound");
    await versions.createAlias("versioned", "live", { versionId: "1" });
    await refuses(
      () => versions.createAlias("versioned", "live", { versionId: "1" }),
      "409 AliasAlreadyExists",
    );
    const canary = (weight: number, id = "2") => ({ versionId: "1", canary: { versionId: id, weight } });
    await refuses(() => versions.updateAlias("versioned", "live", canary(1.5)), "400 InvalidArgument");
    await refuses(() => versions.updateAlias("versioned", "live", canary(0.1, "1")), "400 InvalidArgument");
    await versions.updateAlias("versioned", "live", canary(0.25));
    assert.deepEqual((await versions.getAlias("versioned", "live"))?.additionalVersionWeight, { "2": 0.25 });

    const handlerAt = (qualifier: string, pick?: number) =>
      resolveQualifier(emulator.state, "versioned", qualifier, pick).body.handler;
    assert.equal(handlerAt("LATEST"), "v2.handler");
    assert.equal(handlerAt("1"), "v1.handler");
    assert.equal(handlerAt("live", 0.1), "v2.handler", "inside the canary's 25%");
    assert.equal(handlerAt("live", 0.5), "v1.handler");
    await versions.updateAlias("versioned", "live", { versionId: "2" });
    assert.deepEqual((await versions.getAlias("versioned", "live"))?.additionalVersionWeight, {});
    assert.equal(handlerAt("live", 0.1), "v2.handler");
  });
});

describe("Alibaba emulator: deletes", () => {
  it("a function with a trigger, alias or version is FunctionNotEmpty; a missing trigger is TriggerNotFound; tags follow FC's rules", async () => {
    const state = emulator.state;
    state.images.set(IMAGE, { command: [process.execPath, "-e", ""] });
    state.functions.set("busy", { body: { functionName: "busy" }, activeAt: 0, settling: "create" });
    for (const kind of ["triggers", "aliases", "versions"] as const) {
      addFunctionChild(state, kind, "busy", "x");
      await refuses(() => client.deleteFunction("busy"), "409 FunctionNotEmpty", kind);
      state.functionChildren[kind].get("busy")?.clear();
    }
    await refuses(() => client.deleteTrigger("busy", "nope"), "404 TriggerNotFound");
    await client.deleteFunction("busy");
    assert.equal(state.functions.has("busy"), false);
    await refuses(() => client.deleteFunction("busy"), "404 FunctionNotFound");

    const tagged = (key: string, value: string) =>
      client.createFunction(
        new CreateFunctionRequest({
          body: new CreateFunctionInput({
            functionName: "tagged",
            runtime: "custom-container",
            handler: "index.handler",
            customContainerConfig: new CustomContainerConfig({ image: IMAGE, port: 9000 }),
            tags: [new Tag({ key, value })],
          }),
        }),
      );
    const refused = [
      ["aliyun-team", "a"],
      ["acs:x", "a"],
      ["k".repeat(65), "a"],
      ["team", "v".repeat(129)],
    ] as const;
    for (const [key, value] of refused) await refuses(() => tagged(key, value), "400 InvalidArgument", key);
    await tagged("fngate-run", "1-1");
    assert.deepEqual(state.functions.get("tagged")?.body.tags, [{ Key: "fngate-run", Value: "1-1" }]);
  });
});
