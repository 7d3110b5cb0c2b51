// cloud-run-deploy with path: the function's container is built with the real Docker engine and pushed
// to a real registry (distribution) that, like Artifact Registry, takes only Bearer tokens from the
// Google emulator's token service, which wants `oauth2accesstoken` and an access token the emulator
// issued to someone with roles/artifactregistry.writer. The deploy logs docker in with the deployer's
// own keyless access token, logs out after the push (config.json byte for byte as before, also when the
// main step is stopped or killed mid-push: then the post step does it), and pins the service to the
// pushed digest, which the emulator checks exists in that registry. (What goes into the image, built
// from a copy without .git, is fn-deploy-repository.test.ts's: both build through buildAndPush.) On a fresh runner (a new job: new
// HOME, no local image) with unchanged source the registry is asked for the image built from the same
// source and nothing is logged in, built or pushed; the docker CLI is the real one behind a wrapper
// that records every command.
import assert from "node:assert/strict";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CloudRunFixture, PROJECT, REGION, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { assertUserFailure, type Job, type StepResult } from "./runner/index.ts";
import { type ArtifactRegistry, startArtifactRegistry } from "./support/artifact-registry-world.ts";
import { type DockerRecorder, dockerRecorder, removeLocalImages } from "./support/docker-recorder.ts";
import { passed } from "./support/passed.ts";
import { requireDockerAndRegistry as components } from "./support/real-components.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

const OTHER_LOGIN = `${JSON.stringify({ auths: { "other.example.com": { auth: "dXNlcjpwYXNz" } } }, null, 2)}\n`;
const DOCKERFILE = 'FROM scratch\nCOPY greeting.txt /greeting.txt\nCMD ["/hello"]\n';
let fx: CloudRunFixture;
let registry: ArtifactRegistry | undefined;
let recorder: DockerRecorder | undefined;

before(async () => {
  fx = await startCloudRunFixture();
  registry = await startArtifactRegistry(fx);
  if (registry) recorder = await dockerRecorder();
});
after(async () => {
  await fx?.close();
  await registry?.registry.close();
  await recorder?.dispose();
});

/** A job whose docker config already holds `config` (another registry's login), which must survive untouched. */
async function jobWithDockerConfig(config = OTHER_LOGIN): Promise<{ job: Job; configFile: string }> {
  const job = await fx.job();
  await mkdir(join(job.home, ".docker"), { recursive: true });
  const configFile = join(job.home, ".docker", "config.json");
  await writeFile(configFile, config, { mode: 0o600 });
  return { job, configFile };
}

/** The function's folder in the job's workspace (the caller's checkout); path is given relative to it. */
async function functionFolder(job: Job, name: string, greeting: string): Promise<string> {
  const dir = join(job.workspace, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "greeting.txt"), greeting);
  // FROM scratch: builds offline, the same files give the same digest, and it suits base-image.
  await writeFile(join(dir, "Dockerfile"), DOCKERFILE);
  await recorder?.reset();
  return name;
}

const tagOf = (name: string) => registry?.tagOf(name) ?? "";
const host = () => registry?.registry.host ?? "";
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const serviceBody = (service: string) =>
  fx.stack.gcp.state.services.get(`projects/${PROJECT}/locations/${REGION}/services/${service}`)?.body as {
    template: {
      containers: { image: string; baseImageUri?: string; env?: { name: string; value: string }[] }[];
    };
  };
const servicedImage = (service: string) => serviceBody(service)?.template.containers[0]?.image ?? "";
/** No secret (the step's masks) in what the runs showed or the job left in any file. */
async function assertNothingShown(job: Job, runs: StepResult[]): Promise<void> {
  const shown = runs.map((r) => visibleOutput(r.stdout) + r.stderr + r.summary).join("\n");
  assert.deepEqual(secretsFound(shown + (await job.allWrittenText()), runs[0]?.masks ?? []), []);
}

describe("cloud-run-deploy builds the function's container when path is given", () => {
  it("without a login (registry-login auto on a host that is not Artifact Registry) the push is refused and explained", async (t) => {
    if (!(await components(t))) return;
    await using job = await fx.job();
    const tag = tagOf("refused");
    const before = fx.mutatingCalls();
    const run = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("refused-build-fn", {
        path: await functionFolder(job, "refused", "R"),
        image: tag,
      }),
      timeoutMs: 240_000,
    });
    assertUserFailure(
      run,
      new RegExp(
        `^docker push ${literal(tag)} was refused \\(.*\\): log in to ${literal(host())} before cloud-run-deploy \\(docker/login-action with username oauth2accesstoken and an access token, or gcloud auth configure-docker .*\\), or set registry-login: always to log in with the deployer's access token\\.$`,
      ),
    );
    assert.equal(fx.mutatingCalls(), before);
  });

  it("a deployer without roles/artifactregistry.writer: Artifact Registry denies the push, explained, config.json restored", async (t) => {
    if (!(await components(t))) return;
    const { job, configFile } = await jobWithDockerConfig();
    await using _job = job;
    const path = await functionFolder(job, "denied", "Denied");
    const calls = fx.mutatingCalls();
    const run = await job.run("cloud-run-deploy", {
      inputs: {
        ...fx.deployInputs("denied-build-fn", { path, image: tagOf("denied"), "registry-login": "always" }),
        "workload-identity-provider": "",
        "service-account": "",
        "credentials-json": fx.outsider.json,
      },
      timeoutMs: 240_000,
    });
    assertUserFailure(
      run,
      new RegExp(
        `^docker push ${literal(tagOf("denied"))} was refused \\(.*artifactregistry\\.repositories\\.uploadArtifacts.*\\): ${literal(fx.outsider.email)} may not push there; grant it roles/artifactregistry\\.writer`,
      ),
    );
    assert.equal(
      await readFile(configFile, "utf8"),
      OTHER_LOGIN,
      "logged out and restored after the refusal",
    );
    assert.equal(fx.mutatingCalls(), calls);
  });
});

describe("cloud-run-deploy builds, pushes and pins the image, and reuses it on a fresh runner", () => {
  it("logs docker in with the deployer's keyless access token, pushes, logs out, deploys by digest; a fresh runner with unchanged source logs in, builds and pushes nothing and changes nothing", async (t) => {
    if (!(await components(t))) return;
    const tag = tagOf("reused");
    const inputs = fx.deployInputs("reused-fn", {
      path: "fn",
      image: tag,
      function: "hello_http",
      "base-image": "python312",
      "registry-login": "always",
    });
    const env = { PATH: recorder?.path ?? "" };
    /** A new job (its own HOME, docker config and workspace) whose checkout holds the function with `greeting`, deployed. */
    const deployFresh = async (greeting: string, check: (run: StepResult, job: Job) => Promise<void>) => {
      const { job, configFile } = await jobWithDockerConfig();
      await using _job = job;
      await functionFolder(job, "fn", greeting);
      const calls = fx.mutatingCalls();
      const run = passed(await job.run("cloud-run-deploy", { inputs, env, timeoutMs: 240_000 }));
      assert.equal(await readFile(configFile, "utf8"), OTHER_LOGIN, "config.json as it was before the step");
      await check(run, job);
      return calls;
    };

    await deployFresh("Hello", async (run, job) => {
      assert.deepEqual(await recorder?.counts(), { builds: 1, pushes: 1, logins: 1 });
      assert.match(run.stdout, /Tagged sha256:[a-f0-9]{64} as fngate-[a-f0-9]{40} too/);
      assert.match(
        run.stdout,
        new RegExp(
          `Logged in to ${literal(host())} as oauth2accesstoken with ${literal(fx.deployer.email)}'s access token\\.`,
        ),
      );
      assert.match(run.stdout, /Logged out of .*; docker's config\.json is as it was before\./);
      const [container] = serviceBody("reused-fn").template.containers;
      assert.match(
        container?.image ?? "",
        new RegExp(`^${literal(host())}/${PROJECT}/functions/reused@sha256:[a-f0-9]{64}$`),
      );
      assert.deepEqual(container?.env, [{ name: "FUNCTION_TARGET", value: "hello_http" }]);
      assert.equal(
        container?.baseImageUri,
        "asia-northeast1-docker.pkg.dev/serverless-runtimes/google-22/runtimes/python312",
      );
      const posts = await job.runPosts();
      assert.ok(posts.every((p) => p.exitCode === 0));
      assert.match(posts.map((p) => p.stdout).join("\n"), /Already logged out of .* by the main step\./);
      await assertNothingShown(job, [run, ...posts]);
    });
    const pinned = servicedImage("reused-fn");
    assert.match(pinned, /@sha256:[a-f0-9]{64}$/);
    assert.ok((await removeLocalImages(tag.replace(/:1$/, ""))) > 0, "the built image was local");

    const calls = await deployFresh("Hello", async (run, job) => {
      assert.deepEqual(await recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
      assert.equal(run.outputs.changed, "false");
      assert.equal(servicedImage("reused-fn"), pinned);
      assert.match(
        run.stdout,
        new RegExp(
          `Reused image ${literal(pinned)}, built from the same source \\(context [0-9a-f]{12}, tag fngate-[0-9a-f]{40}\\): no docker build, no push\\.`,
        ),
      );
      assert.ok(!run.groups.some((title) => title.startsWith("docker build")), "no build section");
      const posts = await job.runPosts();
      assert.ok(posts.every((post) => post.exitCode === 0));
      // The access token went to the registry API as a password: masked, and nowhere to be read.
      assert.ok(run.masks.length > 0);
      await assertNothingShown(job, [run, ...posts]);
    });
    assert.equal(fx.mutatingCalls(), calls, "a mutating Cloud Run call");

    await deployFresh("Hello!", async (run) => {
      assert.deepEqual(await recorder?.counts(), { builds: 1, pushes: 1, logins: 1 });
      assert.equal(run.outputs.changed, "true");
      assert.notEqual(servicedImage("reused-fn"), pinned);
    });
  });
});

describe("cloud-run-deploy's registry login is undone whatever happens to the main step", () => {
  it("logs out and restores config.json when the main step stopped between login and logout", async (t) => {
    if (!(await components(t))) return;
    const before = '{\n  "auths": {}\n}\n';
    const { job, configFile } = await jobWithDockerConfig(before);
    await using _job = job;
    // `docker push` hangs (as to a registry that never answers), or, with CANCEL_AT_PUSH set, cancels
    // the step there as the runner's cancel does (SIGTERM to the step's process group), so the test
    // need not wait out a timeout to know the push has started; everything else is docker.
    const bin = join(job.root, "bin");
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, "docker"),
      '#!/bin/sh\nif [ "$1" = "push" ]; then\n  if [ -n "$CANCEL_AT_PUSH" ]; then kill -TERM 0; fi\n  exec sleep 30\nfi\nexec /usr/bin/docker "$@"\n',
    );
    await chmod(join(bin, "docker"), 0o755);
    const inputs = fx.deployInputs("stuck-fn", {
      path: await functionFolder(job, "fn", "Stuck"),
      image: tagOf("stuck"),
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

    // Cancelled while pushing: only the post step can undo the login.
    const main = await job.run("cloud-run-deploy", {
      inputs,
      env: { ...env, CANCEL_AT_PUSH: "1" },
      timeoutMs: 60_000,
    });
    assert.equal(main.signal, "SIGTERM", "the step was still pushing when it was killed");
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
