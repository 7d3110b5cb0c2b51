// fn-deploy asks the registry for an image built from the same source while it looks up the
// application, for the platform it will most likely build (the shape input's, else OCI's default
// shape's, linux/amd64). When the application's shape says otherwise, it asks again for the right
// platform, and only that answer is logged: the guess's "no image built from this source yet" never
// reaches a log when the build is for another platform. Through the step with the production tools,
// the real Docker engine and distribution registry, and the OCI emulator.
import assert from "node:assert/strict";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { contextTag } from "../src/docker/context-tags.ts";
import { deployFunction } from "../src/steps/fn-deploy.ts";
import { removeLocalImages } from "./support/docker-recorder.ts";
import { requireDockerAndRegistry } from "./support/real-components.ts";
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

describe("fn-deploy asks the registry while it looks up the application", () => {
  it("an arm64 application: the arm64 image is built, then reused on a fresh runner, and the linux/amd64 guess is never logged", async (t) => {
    if (!(await requireDockerAndRegistry(t))) return;
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
    if (!(await requireDockerAndRegistry(t))) return;
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
