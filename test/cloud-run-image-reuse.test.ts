// cloud-run-deploy with path on a fresh runner (a new job: new HOME, and no local image of the
// function): the registry already holds the image built from the same source, so the deploy asks it
// (with the deployer's access token, no docker login), pins that digest and builds, pushes and logs in
// to nothing; the service is left as it is. A one-byte change builds again. The built action runs in
// the runner harness against the Google emulator and the real registry behind Artifact Registry's
// token service; the docker CLI is the real one behind a wrapper that records every command.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { type CloudRunFixture, PROJECT, REGION, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { RegistryClient } from "./emulators/registry/registry-client.ts";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import type { Job } from "./runner/index.ts";
import { type DockerRecorder, dockerRecorder, removeLocalImages } from "./support/docker-recorder.ts";
import { dockerEngineRunning, executableExists, requireComponent } from "./support/real-components.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

const SERVICE_AGENT = "serviceAccount:service-agent@serverless-robot-prod.iam.gserviceaccount.com";
let fx: CloudRunFixture;
let registry: StartedRegistry | undefined;
let recorder: DockerRecorder | undefined;

before(async () => {
  fx = await startCloudRunFixture();
  if (await executableExists("/usr/bin/docker-registry")) {
    const started = await startRegistry({ tokenAuth: await fx.stack.gcp.enableArtifactRegistryAuth() });
    registry = started;
    fx.stack.gcp.grantRegistryWriter(PROJECT, SERVICE_AGENT);
    // Cloud Run accepts an image by digest only when the registry holds it (what its service agent pulls).
    fx.stack.gcp.state.imageResolver = async (image) => {
      const match = new RegExp(`^${started.host}/(.+)@(sha256:[a-f0-9]{64})$`).exec(image);
      if (!match) return false;
      const password = fx.stack.gcp.state.issueToken(
        { principal: SERVICE_AGENT, memberships: [], kind: "service-account" },
        300,
        Date.now(),
      );
      const reader = new RegistryClient({ url: started.url, username: "oauth2accesstoken", password });
      return (await reader.manifestDigest(match[1] ?? "", match[2] ?? "")) !== undefined;
    };
    recorder = await dockerRecorder();
  }
});
after(async () => {
  await fx?.close();
  await registry?.close();
  await recorder?.dispose();
});

async function componentsPresent(t: TestContext): Promise<boolean> {
  if (!(await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))))
    return false;
  return requireComponent(t, "the Docker engine", dockerEngineRunning);
}

/** A new job (its own HOME and workspace) whose checkout holds the function with `greeting`. */
async function freshJob(greeting: string): Promise<Job> {
  const job = await fx.job();
  const dir = join(job.workspace, "fn");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "greeting.txt"), greeting);
  await writeFile(join(dir, "Dockerfile"), 'FROM scratch\nCOPY greeting.txt /greeting.txt\nCMD ["/hello"]\n');
  await recorder?.reset();
  return job;
}

function servicedImage(service: string): string {
  const body = fx.stack.gcp.state.services.get(`projects/${PROJECT}/locations/${REGION}/services/${service}`)
    ?.body as { template: { containers: { image: string }[] } } | undefined;
  return body?.template.containers[0]?.image ?? "";
}

describe("cloud-run-deploy reuses the image built from the same source", () => {
  it("a fresh runner with unchanged source: no login, build or push, the same digest, no mutating call", async (t) => {
    if (!(await componentsPresent(t))) return;
    const tag = `${registry?.host}/${PROJECT}/functions/reused:1`;
    const inputs = fx.deployInputs("reused-fn", { path: "fn", image: tag, "registry-login": "always" });
    const env = { PATH: recorder?.path ?? "" };

    const first = await freshJob("Hello");
    try {
      const run = await first.run("cloud-run-deploy", { inputs, env, timeoutMs: 240_000 });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      assert.deepEqual(await recorder?.counts(), { builds: 1, pushes: 1, logins: 1 });
      assert.match(run.stdout, /Tagged sha256:[a-f0-9]{64} as fngate-[a-f0-9]{40} too/);
    } finally {
      await first.dispose();
    }
    const pinned = servicedImage("reused-fn");
    assert.match(pinned, /@sha256:[a-f0-9]{64}$/);

    assert.ok((await removeLocalImages(tag.replace(/:1$/, ""))) > 0, "the built image was local");
    const second = await freshJob("Hello");
    try {
      const calls = fx.mutatingCalls();
      const run = await second.run("cloud-run-deploy", { inputs, env, timeoutMs: 240_000 });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      assert.deepEqual(await recorder?.counts(), { builds: 0, pushes: 0, logins: 0 });
      assert.equal(run.outputs.changed, "false");
      assert.equal(fx.mutatingCalls(), calls, "a mutating Cloud Run call");
      assert.equal(servicedImage("reused-fn"), pinned);
      assert.match(
        run.stdout,
        new RegExp(
          `Reused image ${pinned.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, built from the same source \\(context [0-9a-f]{12}, tag fngate-[0-9a-f]{40}\\): no docker build, no push\\.`,
        ),
      );
      assert.ok(!run.groups.some((title) => title.startsWith("docker build")), "no build section");
      const posts = await second.runPosts();
      assert.ok(posts.every((post) => post.exitCode === 0));
      // The access token went to the registry API as a password: masked, and nowhere to be read.
      assert.ok(run.masks.length > 0);
      const shown = [run, ...posts].map((r) => visibleOutput(r.stdout) + r.stderr + r.summary).join("\n");
      assert.deepEqual(secretsFound(shown + (await second.allWrittenText()), run.masks), []);
    } finally {
      await second.dispose();
    }

    const changed = await freshJob("Hello!");
    try {
      const run = await changed.run("cloud-run-deploy", { inputs, env, timeoutMs: 240_000 });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      assert.deepEqual(await recorder?.counts(), { builds: 1, pushes: 1, logins: 1 });
      assert.equal(run.outputs.changed, "true");
      assert.notEqual(servicedImage("reused-fn"), pinned);
    } finally {
      await changed.dispose();
    }
  });
});
