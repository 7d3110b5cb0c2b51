// Function Compute rollout, verify-then-promote, through the built fc-pipeline and fc-deploy actions against
// the Alibaba and Entra emulators: each change is published as a version and smoke-tested through a
// trigger bound to that version before the alias the public trigger follows moves. A good version is
// promoted; a version that fails the smoke test is never served by the alias; a canary share shows on the
// alias; a re-run of a promoted deploy makes no mutating call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { accessKeyDeployInputs, type StartedAlibabaFixture } from "./emulators/alibaba/fixture.ts";
import { isMutatingFcCall } from "./emulators/alibaba/server.ts";
import type { Application } from "./emulators/entra/directory.ts";
import { assertUserFailure, Job } from "./runner/index.ts";
import { type FcEntraWorld, startFcEntraWorld } from "./support/fc-entra-world.ts";
import { bearer, httpsGet } from "./support/https-get.ts";
import { passed } from "./support/passed.ts";

let world: FcEntraWorld;
let fx: StartedAlibabaFixture;
let checkout: string;
let tenantId: string;
let client: Application;
let api: Application;

// A version that answers every request with a server error: it must never reach the alias.
const BROKEN = `export const handler = async () => ({ statusCode: 500, body: "broken build" });
`;

before(async () => {
  world = await startFcEntraWorld("fc-rollout", {
    broken: BROKEN,
    payload: 'export const handler = async () => "ok";\n',
    throws: 'export const handler = async () => { throw new Error("boom"); };\n',
  });
  ({ fx, checkout, tenantId, client, api } = world);
});
after(async () => {
  await world?.close();
});

function pipelineInputs(name: string, overrides: Record<string, string> = {}): Record<string, string> {
  return { ...world.open(name, { wait: "5", ...overrides }), ...world.secrets() };
}

const alias = (fn: string) => fx.stack.alibaba.state.functionChildren.aliases.get(fn)?.get("live");
/** The version the alias serves, and the canary weights beside it. */
const served = (fn: string) => ({
  versionId: alias(fn)?.versionId,
  weights: alias(fn)?.additionalVersionWeight,
});
const trigger = (fn: string, name: string) =>
  fx.stack.alibaba.state.functionChildren.triggers.get(fn)?.get(name);

describe("fc-pipeline rollout: verify, then promote", () => {
  const fn = "rollout-fn";
  let publicUrl = "";
  it("a good version is smoke-tested through its candidate trigger, then the alias (and the public trigger) serve it", async () => {
    await using job = await Job.create({ env: fx.env, checkout });
    const run = passed(await job.run("fc-pipeline", { inputs: pipelineInputs(fn) }));
    assert.equal(run.outputs.promoted, "true");
    assert.equal(run.outputs["rolled-back"], "false");
    assert.equal(run.outputs.version, "1");
    assert.equal(run.outputs["previous-version"], "");
    assert.deepEqual(served(fn), { versionId: "1", weights: {} });
    assert.equal(trigger(fn, "http")?.qualifier, "live");
    assert.equal(trigger(fn, "http-candidate")?.qualifier, "1");
    assert.match(run.outputs.url ?? "", /\/fc-http\/rollout-fn\/http$/);
    publicUrl = run.outputs.url ?? "";
  });

  it("the trigger lets in another tenant's token for this API's app ID (same keys); the example function refuses it by tid", async () => {
    const entra = fx.stack.entra;
    const other = entra.addTenant();
    const foreign = await entra.mintToken({ tenantId: other, version: 2, overrides: { aud: api.appId } });
    const own = await entra.mintToken({ tenantId, resource: api.appId, clientAppId: client.appId });
    assert.deepEqual(await httpsGet(publicUrl, fx.stack.caPem, bearer(own)), {
      status: 200,
      body: "Hello from FC",
    });
    assert.deepEqual(await httpsGet(publicUrl, fx.stack.caPem, bearer(foreign)), {
      status: 401,
      body: "this token was not issued for this API by this tenant",
    });
  });

  it("a version that fails the smoke test is never served by the alias: it stays on the last good one", async () => {
    await using job = await Job.create({ env: fx.env, checkout });
    const run = await job.run("fc-pipeline", { inputs: pipelineInputs(fn, { "code-path": "broken" }) });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.equal(run.outputs.promoted, "false");
    assert.equal(run.outputs["rolled-back"], "true");
    assert.equal(run.outputs.version, "2");
    assert.equal(run.outputs["previous-version"], "1");
    assert.deepEqual(served(fn), { versionId: "1", weights: {} });
    assert.match(
      run.stdout,
      /Version 2 failed the smoke test: alias live still serves version 1; nothing was promoted\./,
    );
    assert.match(run.stdout, /Version 2 was not promoted\./);
    // The likely cause in Function Compute's terms: the function's own answer, no gateway or IAM policy.
    const [error = ""] = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
    assert.match(
      error,
      /with token answered 500, expected 200[^(]* \(likely cause: the function itself answered 500: read the function's logs for its error\)/,
    );
    assert.doesNotMatch(error, /OCI|gateway|functions-family/);
    assert.equal(trigger(fn, "http-candidate"), undefined, "the failed version keeps no trigger of its own");
    assert.match(run.stdout, /Deleted trigger http-candidate: version 2 no longer answers on it\./);
  });

  it("traffic 10 gives the new version a canary weight on the alias, beside the version it serves", async () => {
    await using job = await Job.create({ env: fx.env, checkout });
    const run = passed(await job.run("fc-pipeline", { inputs: pipelineInputs(fn, { traffic: "10" }) }));
    assert.equal(run.outputs.version, "3");
    assert.deepEqual(served(fn), { versionId: "1", weights: { "3": 0.1 } });
    assert.match(run.stdout, /Alias live now serves version 1 \(90%\) and version 3 \(10%, canary\)\./);
  });

  it("a later run at 100% promotes the canary; a re-run of that promoted deploy makes no mutating call", async () => {
    await using job = await Job.create({ env: fx.env, checkout });
    const promoted = passed(await job.run("fc-pipeline", { inputs: pipelineInputs(fn) }));
    assert.equal(promoted.outputs.version, "3");
    assert.deepEqual(served(fn), { versionId: "3", weights: {} });
    const before = fx.stack.alibaba.requests.length;
    const again = passed(await job.run("fc-pipeline", { inputs: pipelineInputs(fn) }));
    assert.deepEqual(
      { changed: again.outputs.changed, promoted: again.outputs.promoted, version: again.outputs.version },
      { changed: "false", promoted: "true", version: "3" },
    );
    assert.deepEqual(fx.stack.alibaba.requests.slice(before).filter(isMutatingFcCall), []);
    assert.match(again.stdout, /Alias live already serves version 3: nothing to promote\./);
  });
});

describe("fc-deploy rollout: invoke is the check", () => {
  const deployInputs = (name: string, codePath: string): Record<string, string> => {
    const { "code-path": _path, ...inputs } = accessKeyDeployInputs(fx, name, {
      "http-trigger": "http",
      "http-trigger-auth": "anonymous",
      invoke: "{}",
    });
    return { ...inputs, "code-path": codePath };
  };

  it("a version whose test invocation fails is not promoted: one line, the alias left where it was", async () => {
    const good = passed(await fx.deploy(deployInputs("rollout-invoke", "payload"), { checkout }));
    assert.equal(good.outputs.promoted, "true");
    assert.equal(good.outputs["invoke-result"], "ok");
    const bad = await fx.deploy(deployInputs("rollout-invoke", "throws"), { checkout });
    assertUserFailure(
      bad,
      /^invoke: version 2 failed \(\w+: .*boom.*\); alias live still serves version 1: nothing was promoted\.$/,
      [fx.accessKey.secret],
    );
    assert.equal(alias("rollout-invoke")?.versionId, "1");
    assert.equal(trigger("rollout-invoke", "http-candidate"), undefined);
  });
});
