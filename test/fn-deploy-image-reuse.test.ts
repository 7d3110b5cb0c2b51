// fn-deploy on a runner whose docker holds nothing of the function (a fresh CI job): the registry is
// asked for an image built from the same source (the context hash, recorded as a tag) before any
// build. Through the step with the production tools (fnDeployTools: the real docker CLI behind a
// recording wrapper, docker's stored login), the real Docker engine and distribution registry, and
// the OCI emulator. Counted from the wrapper's log: which docker builds and pushes really ran.
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { contextTag } from "../src/docker/context-tags.ts";
import { deployFunction } from "../src/steps/fn-deploy.ts";
import { removeLocalImages } from "./support/docker-recorder.ts";
import { type ReuseWorld, reuseComponents, startReuseWorld } from "./support/reuse-world.ts";

let w: ReuseWorld;
before(async () => {
  w = await startReuseWorld();
});
after(async () => {
  await w?.close();
});

describe("fn-deploy reuses the image the registry holds from the same source", () => {
  it("a fresh runner with unchanged source: no build, no push, the same digest, no mutating call", async (t) => {
    if (!(await reuseComponents(t))) return;
    const host = w.registry?.host ?? "";
    const dir = await w.functionFolder("fresh");
    const first = await w.freshRunner(host);
    const built = await deployFunction(w.inputs(dir, host), first.ctx, first.tools);
    assert.equal(built.built, true);
    assert.deepEqual(await w.recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
    const hash = built.contextHash ?? "";
    assert.match(hash, /^[0-9a-f]{64}$/);
    const repository = `${w.namespace}/fresh`;
    assert.equal(await w.registryClient().manifestDigest(repository, contextTag(hash)), built.digest);
    assert.deepEqual(first.warnings, []);

    assert.ok((await removeLocalImages(`${host}/${repository}`)) > 0, "the built image was local");
    const second = await w.freshRunner(host);
    const calls = w.mutatingCalls();
    const again = await deployFunction(w.inputs(dir, host), second.ctx, second.tools);
    assert.deepEqual(await w.recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
    assert.equal(again.built, false);
    assert.equal(again.digest, built.digest);
    assert.equal(again.contextHash, hash);
    assert.equal(again.action, "unchanged");
    assert.equal(w.mutatingCalls(), calls, "a mutating OCI call");
    assert.ok(
      second.log.includes(
        `Reused image ${host}/${repository}@${built.digest}, built from the same source (context ${hash.slice(0, 12)}, tag ${contextTag(hash)}): no docker build, no push.`,
      ),
      second.log.join("\n"),
    );
    assert.ok(!second.log.some((line) => line.startsWith("── docker build")), "no build section");
    assert.deepEqual(second.warnings, []);
  });

  it("a new commit of unchanged source: its tag is put on the same manifest, nothing is built", async (t) => {
    if (!(await reuseComponents(t))) return;
    const host = w.registry?.host ?? "";
    const dir = await w.functionFolder("commit");
    const first = await w.freshRunner(host);
    const built = await deployFunction(w.inputs(dir, host), first.ctx, first.tools);
    const next = await w.freshRunner(host);
    const moved = await deployFunction(w.inputs(dir, host, { gitSha: "2222222bbbb" }), next.ctx, next.tools);
    assert.deepEqual(await w.recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
    assert.equal(moved.image, `${host}/${w.namespace}/commit:0.0.1-2222222`);
    assert.equal(moved.digest, built.digest);
    assert.equal(
      await w.registryClient().manifestDigest(`${w.namespace}/commit`, "0.0.1-2222222"),
      built.digest,
      "the new tag points at the reused image",
    );
    assert.ok(
      next.log.some((line) => line.startsWith(`Tagged ${built.digest} as ${moved.image} in the registry`)),
    );
  });

  it("a one-byte change in a copied file or in the Dockerfile rebuilds; one in an ignored file does not", async (t) => {
    if (!(await reuseComponents(t))) return;
    const host = w.registry?.host ?? "";
    const dir = await w.functionFolder("changes");
    const deploy = async (label: string) => {
      const runner = await w.freshRunner(host);
      const result = await deployFunction(w.inputs(dir, host), runner.ctx, runner.tools);
      const counts = await w.recorder?.counts();
      return {
        label,
        built: result.built,
        builds: counts?.builds,
        pushes: counts?.pushes,
        digest: result.digest,
      };
    };
    const original = await deploy("first");
    await writeFile(join(dir, "notes.txt"), "not part of the image!\n");
    const ignored = await deploy("ignored file");
    await writeFile(join(dir, "func.yaml"), `${await readFile(join(dir, "func.yaml"), "utf8")} `);
    const copied = await deploy("copied file");
    await writeFile(join(dir, "Dockerfile"), "FROM scratch\nCOPY func.js func.yaml /function/\n\n");
    const dockerfile = await deploy("Dockerfile");
    assert.deepEqual(
      [original, ignored, copied, dockerfile].map(({ label, built, builds, pushes }) => ({
        label,
        built,
        builds,
        pushes,
      })),
      [
        { label: "first", built: true, builds: 1, pushes: 1 },
        { label: "ignored file", built: false, builds: 0, pushes: 0 },
        { label: "copied file", built: true, builds: 1, pushes: 1 },
        { label: "Dockerfile", built: true, builds: 1, pushes: 1 },
      ],
    );
    assert.equal(ignored.digest, original.digest);
    assert.notEqual(copied.digest, original.digest);
  });
});
