// fn-deploy when the registry cannot answer the reuse check (src/docker/image-reuse.ts): a login it
// refuses, a lookup it fails, a tag it will not write through its API. The deploy builds and pushes
// as it did before the check existed, with one warning that names the registry and what failed; the
// check never fails a deploy. The real docker CLI behind a recording wrapper, the real registry (and
// a proxy in front of it that answers chosen requests itself), the OCI emulator.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { contextTag } from "../src/docker/context-tags.ts";
import { deployFunction } from "../src/steps/fn-deploy.ts";
import { type ReuseWorld, reuseComponents, startReuseWorld } from "./support/reuse-world.ts";

let w: ReuseWorld;
before(async () => {
  w = await startReuseWorld();
});
after(async () => {
  await w?.close();
});

describe("when the registry cannot answer the check, fn-deploy builds as before", () => {
  it("a login the registry refuses (401): built and pushed, with one warning naming the registry", async (t) => {
    if (!(await reuseComponents(t))) return;
    const host = w.registry?.host ?? "";
    const dir = await w.functionFolder("refused-check");
    const first = await w.freshRunner(host);
    await deployFunction(w.inputs(dir, host), first.ctx, first.tools);
    // docker's own login is good (the push works); what the check presents is not.
    const runner = await w.freshRunner(host, async () => ({
      username: `${w.namespace}/ci-user`,
      password: "wrong",
    }));
    const result = await deployFunction(w.inputs(dir, host), runner.ctx, runner.tools);
    assert.equal(result.built, true);
    assert.deepEqual(await w.recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
    const tag = contextTag(result.contextHash ?? "");
    assert.deepEqual(runner.warnings, [
      `Could not ask ${host} for an image built from the same source (HTTP 401 for ${tag}): building and pushing it.`,
      `Could not tag ${host}/${w.namespace}/refused-check@${result.digest} as ${tag} (HTTP 401 for ${result.digest}): the next run on a fresh runner builds the image again.`,
    ]);
  });

  it("a registry failing the lookup (500): built and pushed with a warning; reused once it answers again", async (t) => {
    if (!(await reuseComponents(t)) || !w.proxy) return;
    const host = w.proxy.host;
    const dir = await w.functionFolder("failing-check");
    const lookups = (method: string, path: string) => method === "GET" && /\/manifests\/fngate-/.test(path);
    w.proxy.fail(lookups, 500);
    try {
      const first = await w.freshRunner(host);
      const built = await deployFunction(w.inputs(dir, host), first.ctx, first.tools);
      const second = await w.freshRunner(host);
      const rebuilt = await deployFunction(w.inputs(dir, host), second.ctx, second.tools);
      assert.equal(rebuilt.built, true, "the tag exists, but the registry would not say so");
      assert.deepEqual(await w.recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
      assert.deepEqual(second.warnings, [
        `Could not ask ${host} for an image built from the same source (HTTP 500 for ${contextTag(built.contextHash ?? "")}): building and pushing it.`,
      ]);
      assert.ok(w.proxy.faulted.length >= 2);
    } finally {
      w.proxy.clear();
    }
    const third = await w.freshRunner(host);
    const reused = await deployFunction(w.inputs(dir, host), third.ctx, third.tools);
    assert.equal(reused.built, false);
    assert.deepEqual(await w.recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
  });

  it("a registry refusing the new commit's tag through its API (403): built and pushed, the push writes it", async (t) => {
    if (!(await reuseComponents(t)) || !w.proxy) return;
    const host = w.proxy.host;
    const dir = await w.functionFolder("tag-refused");
    const first = await w.freshRunner(host);
    const built = await deployFunction(w.inputs(dir, host), first.ctx, first.tools);
    // The registry API call is fngate's (Node's fetch); docker's own push of the tag goes through.
    const apiPut = (method: string, path: string, agent: string) =>
      method === "PUT" && path.endsWith("/manifests/0.0.1-3333333") && !agent.startsWith("docker/");
    w.proxy.fail(apiPut, 403);
    try {
      const runner = await w.freshRunner(host);
      const result = await deployFunction(
        w.inputs(dir, host, { gitSha: "3333333cccc" }),
        runner.ctx,
        runner.tools,
      );
      assert.equal(result.built, true);
      assert.deepEqual(await w.recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
      assert.equal(runner.warnings.length, 1, runner.warnings.join("\n"));
      assert.ok(
        runner.warnings[0]?.startsWith(
          `Could not put the tag 0.0.1-3333333 on ${host}/${w.namespace}/tag-refused@${built.digest}, built from the same source (HTTP 403 for a PUT of tag 0.0.1-3333333: `,
        ),
        runner.warnings[0],
      );
      assert.ok(runner.warnings[0]?.endsWith("): building and pushing it."), runner.warnings[0]);
      assert.equal(
        await w.registryClient().manifestDigest(`${w.namespace}/tag-refused`, "0.0.1-3333333"),
        result.digest,
      );
    } finally {
      w.proxy.clear();
    }
  });
});
