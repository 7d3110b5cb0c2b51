// fn-deploy on a fresh runner (docker holds nothing of the function) asks the registry for an image
// built from the same source (the context hash, recorded as a tag) while it looks up the application,
// for the platform it will most likely build (the shape input's, else linux/amd64), asking again when
// the application's shape says otherwise: only that answer is logged. Through the step with the
// production tools (the real docker CLI behind a recording wrapper that counts builds and pushes), the
// real engine and registry, and the OCI emulator. When the registry cannot answer (a refused login, a
// failed lookup, a tag it will not write through its API, made by a fault proxy), the deploy builds and
// pushes as before with one warning naming the registry: the check never fails a deploy. And as a
// workflow meets it: a new job runs fn-context, ocir-login and fn-deploy (built actions) on the same
// commit, finds the image through the login ocir-login stored, and builds and pushes nothing.
import assert from "node:assert/strict";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { contextTag } from "../src/docker/context-tags.ts";
import { deployFunction } from "../src/steps/fn-deploy.ts";
import { Job } from "./runner/index.ts";
import { removeLocalImages } from "./support/docker-recorder.ts";
import { stepPassed } from "./support/passed.ts";
import { requireDockerAndRegistry as reuseComponents } from "./support/real-components.ts";
import { type ReuseWorld, startReuseWorld } from "./support/reuse-world.ts";

let w: ReuseWorld;
before(async () => {
  w = await startReuseWorld();
  w.oci.stack.oci.state.fn.createApplication({
    compartmentId: w.oci.tenancyId,
    displayName: "arm-apps",
    shape: "GENERIC_ARM",
  });
});
after(async () => {
  await w?.close();
});

describe("fn-deploy reuses the image the registry holds from the same source", () => {
  it("a fresh runner with unchanged source: no build, no push, the same digest, no mutating call; a new commit only tags it", async (t) => {
    if (!(await reuseComponents(t))) return;
    const host = w.registry?.host ?? "";
    const dir = await w.functionFolder("fresh");
    const [built, first] = await w.deployFresh(dir, host);
    assert.equal(built.built, true);
    assert.deepEqual(await w.recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
    const hash = built.contextHash ?? "";
    assert.match(hash, /^[0-9a-f]{64}$/);
    const repository = `${w.namespace}/fresh`;
    assert.equal(await w.registryClient().manifestDigest(repository, contextTag(hash)), built.digest);
    assert.deepEqual(first.warnings, []);

    assert.ok((await removeLocalImages(`${host}/${repository}`)) > 0, "the built image was local");
    const calls = w.mutatingCalls();
    const [again, second] = await w.deployFresh(dir, host);
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

    // A new commit of the unchanged source: its tag is put on the same manifest, nothing is built.
    const [moved, next] = await w.deployFresh(dir, host, { gitSha: "2222222bbbb" });
    assert.deepEqual(await w.recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
    assert.equal(moved.image, `${host}/${repository}:0.0.1-2222222`);
    assert.equal(moved.digest, built.digest);
    assert.equal(
      await w.registryClient().manifestDigest(repository, "0.0.1-2222222"),
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
      const [result] = await w.deployFresh(dir, host);
      const { builds, pushes } = (await w.recorder?.counts()) ?? {};
      return { label, built: result.built, builds, pushes, digest: result.digest };
    };
    const original = await deploy("first");
    await writeFile(join(dir, "notes.txt"), "not part of the image!\n");
    const ignored = await deploy("ignored file");
    await writeFile(join(dir, "func.yaml"), `${await readFile(join(dir, "func.yaml"), "utf8")} `);
    const copied = await deploy("copied file");
    await writeFile(join(dir, "Dockerfile"), "FROM scratch\nCOPY func.js func.yaml /function/\n\n");
    const dockerfile = await deploy("Dockerfile");
    assert.deepEqual(
      [original, ignored, copied, dockerfile].map(({ digest: _digest, ...row }) => row),
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

describe("when the registry cannot answer the check, fn-deploy builds as before", () => {
  it("a login the registry refuses (401): built and pushed, with one warning naming the registry", async (t) => {
    if (!(await reuseComponents(t))) return;
    const host = w.registry?.host ?? "";
    const dir = await w.functionFolder("refused-check");
    await w.deployFresh(dir, host);
    // docker's own login is good (the push works); what the check presents is not.
    const wrong = async () => ({ username: `${w.namespace}/ci-user`, password: "wrong" });
    const [result, runner] = await w.deployFresh(dir, host, {}, wrong);
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
      const [built] = await w.deployFresh(dir, host);
      const [rebuilt, second] = await w.deployFresh(dir, host);
      assert.equal(rebuilt.built, true, "the tag exists, but the registry would not say so");
      assert.deepEqual(await w.recorder?.counts(), { builds: 1, pushes: 1, logins: 0 });
      assert.deepEqual(second.warnings, [
        `Could not ask ${host} for an image built from the same source (HTTP 500 for ${contextTag(built.contextHash ?? "")}): building and pushing it.`,
      ]);
      assert.ok(w.proxy.faulted.length >= 2);
    } finally {
      w.proxy.clear();
    }
    const [reused] = await w.deployFresh(dir, host);
    assert.equal(reused.built, false);
    assert.deepEqual(await w.recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
  });

  it("a registry refusing the new commit's tag through its API (403): built and pushed, the push writes it", async (t) => {
    if (!(await reuseComponents(t)) || !w.proxy) return;
    const host = w.proxy.host;
    const dir = await w.functionFolder("tag-refused");
    const [built] = await w.deployFresh(dir, host);
    // The registry API call is fngate's (Node's fetch); docker's own push of the tag goes through.
    const apiPut = (method: string, path: string, agent: string) =>
      method === "PUT" && path.endsWith("/manifests/0.0.1-3333333") && !agent.startsWith("docker/");
    w.proxy.fail(apiPut, 403);
    try {
      const [result, runner] = await w.deployFresh(dir, host, { gitSha: "3333333cccc" });
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

describe("fn-deploy on a fresh runner with unchanged source, as a workflow runs it", () => {
  it("builds and pushes nothing, pins the same digest and changes nothing", async (t) => {
    if (!(await reuseComponents(t))) return;
    const sha = "89abcdef0123456789abcdef0123456789abcdef";
    const dir = await w.functionFolder("action-fresh");
    // An earlier job on the same commit built and pushed the image (the step itself, as above).
    const [first] = await w.deployFresh(dir, w.registry?.host ?? "", { gitSha: sha });
    assert.equal(first.built, true);
    const local = `${w.registry?.host}/${w.namespace}/action-fresh`;
    assert.ok((await removeLocalImages(local)) > 0, "the built image was local");

    // A new job (as on a fresh runner) through fn-context, ocir-login and fn-deploy; its posts run too.
    const mutating = w.mutatingCalls();
    await using job = await Job.create({
      env: { ...w.oci.env, GITHUB_SHA: sha, PATH: w.recorder?.path ?? "" },
      checkout: dir,
    });
    assert.equal((await job.run("fn-context", { inputs: w.oci.inputs() })).exitCode, 0);
    await stepPassed(job, "ocir-login", {
      region: "ap-tokyo-1",
      namespace: w.namespace,
      username: "ci-user",
      "auth-token": w.authToken,
      registry: w.registry?.host ?? "",
    });
    await w.recorder?.reset();
    const second = await stepPassed(job, "fn-deploy", {
      application: "apps",
      "compartment-ocid": w.oci.tenancyId,
      function: "action-fresh",
      path: ".",
      registry: `${w.registry?.host}/${w.namespace}`,
    });
    assert.ok((await job.runPosts()).every((post) => post.exitCode === 0));
    assert.deepEqual(await w.recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
    assert.equal(second.outputs.digest, first.digest);
    assert.equal(second.outputs.image, first.image);
    assert.equal(second.outputs.changed, "false");
    assert.equal(w.mutatingCalls(), mutating, "a mutating OCI call");
    assert.match(
      second.stdout,
      /Reused image \S+@sha256:[a-f0-9]{64}, built from the same source \(context [0-9a-f]{12}, tag fngate-[0-9a-f]{40}\): no docker build, no push\./,
    );
    assert.deepEqual(
      second.annotations.filter((a) => a.level === "warning"),
      [],
    );
  });
});

describe("fn-deploy asks the registry while it looks up the application", () => {
  it("an arm64 application: the arm64 image is built, then reused on a fresh runner, and the linux/amd64 guess is never logged", async (t) => {
    if (!(await reuseComponents(t))) return;
    const host = w.registry?.host ?? "";
    const dir = await w.functionFolder("guess-arm");
    const [built, first] = await w.deployFresh(dir, host, { application: "arm-apps" });
    assert.equal(built.built, true);
    assert.equal(built.shape, "GENERIC_ARM");
    const hash = built.contextHash ?? "";
    const building = first.log.filter((line) => line.startsWith("Building: "));
    assert.deepEqual(
      building,
      [
        `Building: ${host}/${w.namespace}/guess-arm has no image built from this source yet (context ${hash.slice(0, 12)}).`,
      ],
      "one answer, the arm64 one (its context hash is the pushed image's)",
    );
    assert.equal(
      await w.registryClient().manifestDigest(`${w.namespace}/guess-arm`, contextTag(hash)),
      built.digest,
    );

    assert.ok((await removeLocalImages(`${host}/${w.namespace}/guess-arm`)) > 0);
    const [again, second] = await w.deployFresh(dir, host, { application: "arm-apps" });
    assert.deepEqual(await w.recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
    assert.equal(again.digest, built.digest);
    assert.deepEqual(
      second.log.filter((line) => /^(Building|Reused image)/.test(line)),
      [
        `Reused image ${host}/${w.namespace}/guess-arm@${built.digest}, built from the same source (context ${hash.slice(0, 12)}, tag ${contextTag(hash)}): no docker build, no push.`,
      ],
    );
    assert.deepEqual(second.warnings, []);
  });

  it("a Dockerfile generated from func.yaml is removed when the application refuses the shape input", async (t) => {
    // The shape input in any case, as a user types it: refused with one line before any change.
    if (!(await reuseComponents(t))) return;
    const host = w.registry?.host ?? "";
    const dir = await w.functionFolder("guess-refused");
    await rm(join(dir, "Dockerfile"));
    const runner = await w.freshRunner(host);
    const mutating = w.mutatingCalls();
    await assert.rejects(
      deployFunction(
        w.inputs(dir, host, { application: "arm-apps", shape: "generic_x86" }),
        runner.ctx,
        runner.tools,
      ),
      {
        message:
          "shape GENERIC_X86 does not match application arm-apps's shape GENERIC_ARM: OCI runs every function of an application on the shape fixed when the application was created. Set shape to GENERIC_ARM (or leave it empty), or deploy to an application created with shape GENERIC_X86.",
      },
    );
    assert.ok(
      runner.log.some((line) =>
        line.startsWith(`No Dockerfile in ${dir}: generated one from func.yaml's runtime`),
      ),
      runner.log.join("\n"),
    );
    assert.deepEqual(await readdir(runner.ctx.tempDir), [], "the generated Dockerfile is gone");
    assert.deepEqual(await w.recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
    assert.equal(w.mutatingCalls(), mutating, "refused before any change");
  });
});
