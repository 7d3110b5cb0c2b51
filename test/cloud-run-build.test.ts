// cloud-run-deploy with path: the function's container is built with the real Docker engine and pushed
// to a real registry (distribution) that, like Artifact Registry, takes only Bearer tokens from the
// Google emulator's token service, which wants `oauth2accesstoken` and an access token the emulator
// issued to someone with roles/artifactregistry.writer. The deploy logs docker in with the deployer's
// own keyless access token, logs out after the push (config.json byte for byte as before), and pins the
// service to the pushed digest, which the emulator checks exists in that registry.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import {
  type CloudRunFixture,
  errorsOf,
  PROJECT,
  REGION,
  startCloudRunFixture,
} from "./emulators/gcp/fixture.ts";
import { imageFiles } from "./emulators/registry/image-files.ts";
import { RegistryClient } from "./emulators/registry/registry-client.ts";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import type { Job } from "./runner/index.ts";
import { dockerEngineRunning, executableExists, requireComponent } from "./support/real-components.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

// Cloud Run pulls with its service agent, which may read the project's repositories.
const SERVICE_AGENT = "serviceAccount:service-agent@serverless-robot-prod.iam.gserviceaccount.com";
const OTHER_LOGIN = { auths: { "other.example.com": { auth: "dXNlcjpwYXNz" } } };
let fx: CloudRunFixture;
let registry: StartedRegistry | undefined;
let root: string;

before(async () => {
  fx = await startCloudRunFixture();
  root = await mkdtemp(join(tmpdir(), "fngate-cloud-run-build-"));
  if (await executableExists("/usr/bin/docker-registry")) {
    const started = await startRegistry({ tokenAuth: await fx.stack.gcp.enableArtifactRegistryAuth() });
    registry = started;
    fx.stack.gcp.grantRegistryWriter(PROJECT, SERVICE_AGENT);
    fx.stack.gcp.state.imageResolver = async (image) => {
      const match = new RegExp(`^${started.host}/(.+)@(sha256:[a-f0-9]{64})$`).exec(image);
      if (!match) return false;
      return (await readerClient().manifestDigest(match[1] ?? "", match[2] ?? "")) !== undefined;
    };
  }
});
after(async () => {
  await fx?.close();
  await registry?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function componentsPresent(t: TestContext): Promise<boolean> {
  if (!(await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))))
    return false;
  return requireComponent(t, "the Docker engine", dockerEngineRunning);
}

/** A job whose docker config already holds another registry's login, which must survive untouched. */
async function jobWithDockerConfig(): Promise<{ job: Job; configFile: string; before: string }> {
  const job = await fx.job();
  await mkdir(join(job.home, ".docker"), { recursive: true });
  const configFile = join(job.home, ".docker", "config.json");
  const before = `${JSON.stringify(OTHER_LOGIN, null, 2)}\n`;
  await writeFile(configFile, before, { mode: 0o600 });
  return { job, configFile, before };
}

/** The function's folder in the job's workspace (the caller's checkout); path is given relative to it. */
async function functionFolder(job: Job, name: string, greeting: string): Promise<string> {
  const dir = join(job.workspace, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "greeting.txt"), greeting);
  // FROM scratch: builds offline, the same files give the same digest, and it suits base-image.
  await writeFile(join(dir, "Dockerfile"), 'FROM scratch\nCOPY greeting.txt /greeting.txt\nCMD ["/hello"]\n');
  return name;
}

/** A registry client reading as Cloud Run's service agent (what the emulator's deploy check pulls as). */
function readerClient(): RegistryClient {
  const password = fx.stack.gcp.state.issueToken(
    { principal: SERVICE_AGENT, memberships: [], kind: "service-account" },
    300,
    Date.now(),
  );
  return new RegistryClient({ url: registry?.url ?? "", username: "oauth2accesstoken", password });
}

const tagOf = (name: string) => `${registry?.host}/${PROJECT}/functions/${name}:1`;
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("cloud-run-deploy builds the function's container when path is given", () => {
  it("logs docker in with the deployer's keyless access token, pushes, logs out, deploys by digest; a re-run changes nothing", async (t) => {
    if (!(await componentsPresent(t))) return;
    const { job, configFile, before } = await jobWithDockerConfig();
    try {
      const dir = await functionFolder(job, "hello", "Hello");
      const inputs = fx.deployInputs("built-fn", {
        path: dir,
        image: tagOf("hello-build"),
        function: "hello_http",
        "base-image": "python312",
        "registry-login": "always",
      });
      const first = await job.run("cloud-run-deploy", { inputs, timeoutMs: 240_000 });
      assert.equal(first.exitCode, 0, first.stdout + first.stderr);
      assert.match(
        first.stdout,
        new RegExp(
          `Logged in to ${literal(registry?.host ?? "")} as oauth2accesstoken with ${literal(fx.deployer.email)}'s access token\\.`,
        ),
      );
      assert.match(first.stdout, /Logged out of .*; docker's config\.json is as it was before\./);
      assert.equal(await readFile(configFile, "utf8"), before, "config.json as it was before the step");
      const body = fx.stack.gcp.state.services.get(
        `projects/${PROJECT}/locations/${REGION}/services/built-fn`,
      )?.body as {
        template: {
          containers: { image: string; baseImageUri?: string; env?: { name: string; value: string }[] }[];
        };
      };
      const image = body.template.containers[0]?.image ?? "";
      assert.match(
        image,
        new RegExp(`^${literal(registry?.host ?? "")}/${PROJECT}/functions/hello-build@sha256:[a-f0-9]{64}$`),
      );
      assert.deepEqual(body.template.containers[0]?.env, [{ name: "FUNCTION_TARGET", value: "hello_http" }]);
      assert.equal(
        body.template.containers[0]?.baseImageUri,
        "asia-northeast1-docker.pkg.dev/serverless-runtimes/google-22/runtimes/python312",
      );

      const posts = await job.runPosts();
      assert.ok(posts.every((p) => p.exitCode === 0));
      assert.match(posts.map((p) => p.stdout).join("\n"), /Already logged out of .* by the main step\./);
      const shown = [first, ...posts].map((r) => visibleOutput(r.stdout) + r.stderr + r.summary).join("\n");
      assert.deepEqual(secretsFound(shown + (await job.allWrittenText()), first.masks), []);

      const beforeCalls = fx.mutatingCalls();
      const again = await job.run("cloud-run-deploy", { inputs, timeoutMs: 240_000 });
      assert.equal(again.exitCode, 0, again.stdout + again.stderr);
      assert.equal(again.outputs.changed, "false");
      assert.equal(fx.mutatingCalls(), beforeCalls);
    } finally {
      await job.dispose();
    }
  });

  it("the pushed image holds no .git (nor the token in it) and the user's .dockerignore still applies", async (t) => {
    if (!(await componentsPresent(t))) return;
    const { job } = await jobWithDockerConfig();
    try {
      const dir = join(job.workspace, "checked-out");
      await mkdir(join(dir, ".git"), { recursive: true });
      const token = `ghs_cloudrun${process.pid}XXXXXXXXXXXXXXXXXXXXXXX`;
      await writeFile(
        join(dir, ".git", "config"),
        `[http]\n\textraheader = AUTHORIZATION: bearer ${token}\n`,
      );
      await writeFile(join(dir, ".dockerignore"), "local.env\n");
      await writeFile(join(dir, "local.env"), "KEY=local-only\n");
      await writeFile(join(dir, "main.py"), "print('hi')\n");
      await writeFile(join(dir, "Dockerfile"), "FROM scratch\nCOPY . /app/\n");
      const tag = tagOf("context-check");
      const run = await job.run("cloud-run-deploy", {
        inputs: fx.deployInputs("context-fn", {
          path: "checked-out",
          image: tag,
          "registry-login": "always",
        }),
        timeoutMs: 240_000,
      });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      const digest = /Pushed .*@(sha256:[a-f0-9]{64})/.exec(run.stdout)?.[1] ?? "";
      const files = await imageFiles(readerClient(), `${PROJECT}/functions/context-check`, digest);
      const paths = files.map((file) => file.path);
      assert.ok(paths.includes("app/main.py"), paths.join(", "));
      assert.ok(!paths.some((path) => path.split("/").includes(".git")), paths.join(", "));
      assert.ok(!paths.includes("app/local.env"), "the user's .dockerignore applies");
      assert.ok(!files.some((file) => file.content.includes(token)), "no file carries the token");
    } finally {
      await job.dispose();
    }
  });

  it("a folder without a Dockerfile is refused before anything runs", async () => {
    const job = await fx.job();
    try {
      const dir = "empty";
      await mkdir(join(job.workspace, dir), { recursive: true });
      const before = fx.stack.gcp.state.requests.length;
      const run = await job.run("cloud-run-deploy", {
        inputs: fx.deployInputs("no-dockerfile-fn", { path: dir, image: "127.0.0.1:5999/functions/x:1" }),
      });
      assert.equal(run.exitCode, 1);
      assert.deepEqual(errorsOf(run), [
        `path ${JSON.stringify(dir)} has no Dockerfile: add one, name it with the dockerfile input, or drop path and deploy a pushed image.`,
      ]);
      assert.equal(fx.stack.gcp.state.requests.length, before, "no call at all");
    } finally {
      await job.dispose();
    }
  });

  it("without a login (registry-login auto on a host that is not Artifact Registry) the push is refused and explained", async (t) => {
    if (!(await componentsPresent(t))) return;
    const job = await fx.job();
    try {
      const dir = await functionFolder(job, "refused", "Refused");
      const tag = tagOf("refused");
      const before = fx.mutatingCalls();
      const run = await job.run("cloud-run-deploy", {
        inputs: fx.deployInputs("refused-build-fn", { path: dir, image: tag }),
        timeoutMs: 240_000,
      });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(
        errorsOf(run)[0] ?? "",
        new RegExp(
          `^docker push ${literal(tag)} was refused \\(.*\\): log in to ${literal(registry?.host ?? "")} before cloud-run-deploy \\(docker/login-action with username oauth2accesstoken and an access token, or gcloud auth configure-docker .*\\), or set registry-login: always to log in with the deployer's access token\\.$`,
        ),
      );
      assert.equal(fx.mutatingCalls(), before);
    } finally {
      await job.dispose();
    }
  });

  it("a deployer without roles/artifactregistry.writer: Artifact Registry denies the push, explained, config.json restored", async (t) => {
    if (!(await componentsPresent(t))) return;
    const { job, configFile, before } = await jobWithDockerConfig();
    try {
      const dir = await functionFolder(job, "denied", "Denied");
      const calls = fx.mutatingCalls();
      const run = await job.run("cloud-run-deploy", {
        inputs: {
          ...fx.deployInputs("denied-build-fn", {
            path: dir,
            image: tagOf("denied"),
            "registry-login": "always",
          }),
          "workload-identity-provider": "",
          "service-account": "",
          "credentials-json": fx.outsider.json,
        },
        timeoutMs: 240_000,
      });
      assert.match(
        errorsOf(run)[0] ?? "",
        new RegExp(
          `^docker push ${literal(tagOf("denied"))} was refused \\(.*artifactregistry\\.repositories\\.uploadArtifacts.*\\): ${literal(fx.outsider.email)} may not push there; grant it roles/artifactregistry\\.writer`,
        ),
      );
      assert.equal(await readFile(configFile, "utf8"), before, "logged out and restored after the refusal");
      assert.equal(fx.mutatingCalls(), calls);
    } finally {
      await job.dispose();
    }
  });
});
