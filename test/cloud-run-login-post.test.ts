// cloud-run-deploy's registry login is undone whatever happens to the main step: it logs out itself
// when the push ends (even when its deadline stops the push), and when the main step is killed between
// login and logout (the job's timeout, a cancelled run) the post step logs docker out and puts
// config.json back byte for byte. Real Docker engine for the login; the push is held up by a wrapper
// in front of the docker CLI (fault injection, as a registry that never answers would).
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CloudRunFixture, PROJECT, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { assertUserFailure } from "./runner/index.ts";
import { dockerEngineRunning, executableExists, requireComponent } from "./support/real-components.ts";

let fx: CloudRunFixture;
let registry: StartedRegistry | undefined;
let root: string;

before(async () => {
  fx = await startCloudRunFixture();
  root = await mkdtemp(join(tmpdir(), "fngate-cloud-run-post-"));
  if (await executableExists("/usr/bin/docker-registry")) {
    registry = await startRegistry({ tokenAuth: await fx.stack.gcp.enableArtifactRegistryAuth() });
  }
});
after(async () => {
  await fx?.close();
  await registry?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("cloud-run-deploy's post step", () => {
  it("logs out and restores config.json when the main step stopped between login and logout", async (t) => {
    if (!(await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))))
      return;
    if (!(await requireComponent(t, "the Docker engine", dockerEngineRunning))) return;
    // `docker push` hangs; everything else is docker.
    const bin = join(root, "bin");
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, "docker"),
      '#!/bin/sh\nif [ "$1" = "push" ]; then exec sleep 30; fi\nexec /usr/bin/docker "$@"\n',
    );
    await chmod(join(bin, "docker"), 0o755);
    await using job = await fx.job();
    const dir = join(job.workspace, "fn");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "Dockerfile"), 'FROM scratch\nCMD ["/hello"]\n');
    await mkdir(join(job.home, ".docker"), { recursive: true });
    const configFile = join(job.home, ".docker", "config.json");
    const before = '{\n  "auths": {}\n}\n';
    await writeFile(configFile, before, { mode: 0o600 });
    const inputs = fx.deployInputs("stuck-fn", {
      path: "fn",
      image: `${registry?.host}/${PROJECT}/functions/stuck:1`,
      "registry-login": "always",
    });
    const env = { PATH: `${bin}:${process.env.PATH ?? ""}` };

    // The step's own deadline stops the push: the main step logs out by itself.
    const stopped = await job.run("cloud-run-deploy", {
      inputs: { ...inputs, "deadline-minutes": "0.1" },
      env,
      timeoutMs: 60_000,
    });
    assertUserFailure(stopped, /^deadline-minutes \(0\.1\) reached/);
    assert.match(
      stopped.stdout,
      /Logged out of 127\.0\.0\.1:\d+; docker's config\.json is as it was before\./,
    );
    assert.equal(await readFile(configFile, "utf8"), before);

    // Killed while pushing (the job's timeout): only the post step can undo the login.
    const main = await job.run("cloud-run-deploy", { inputs, env, timeoutMs: 12_000 });
    assert.equal(main.timedOut, true, "the step was still pushing when it was killed");
    assert.match(main.stdout, /Logged in to .* as oauth2accesstoken/);
    assert.notEqual(await readFile(configFile, "utf8"), before, "the login is still in config.json");

    const posts = await job.runPosts();
    assert.ok(posts.every((p) => p.exitCode === 0));
    assert.match(
      posts.map((p) => p.stdout).join("\n"),
      /Logged out of 127\.0\.0\.1:\d+; docker's config\.json is as it was before cloud-run-deploy\./,
    );
    assert.equal(await readFile(configFile, "utf8"), before, "config.json byte for byte as before");
  });
});
