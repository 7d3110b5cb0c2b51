// cloud-run-deploy with path: the function's container is built with the real Docker engine, pushed to
// a real registry (distribution, htpasswd; the job logged in beforehand as docker/login-action would),
// and the service is pinned to the pushed digest, which the emulator checks exists in that registry.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
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

const user = { username: "pusher", password: "push-secret-0123456789" };
let fx: CloudRunFixture;
let registry: StartedRegistry | undefined;
let root: string;

before(async () => {
  fx = await startCloudRunFixture();
  root = await mkdtemp(join(tmpdir(), "fngate-cloud-run-build-"));
  if (await executableExists("/usr/bin/docker-registry")) {
    const started = await startRegistry({ users: [user] });
    registry = started;
    const client = new RegistryClient({ url: started.url, ...user });
    fx.stack.gcp.state.imageResolver = async (image) => {
      const match = new RegExp(`^${started.host}/(.+)@(sha256:[a-f0-9]{64})$`).exec(image);
      return match ? (await client.manifestDigest(match[1] ?? "", match[2] ?? "")) !== undefined : false;
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

/** What docker/login-action leaves behind: the registry's credentials in the job's docker config. */
async function loggedInJob(): Promise<Job> {
  const job = await fx.job();
  await mkdir(join(job.home, ".docker"), { recursive: true });
  const auth = Buffer.from(`${user.username}:${user.password}`).toString("base64");
  await writeFile(
    join(job.home, ".docker", "config.json"),
    JSON.stringify({ auths: { [registry?.host ?? ""]: { auth } } }),
    {
      mode: 0o600,
    },
  );
  return job;
}

/** The function's folder in the job's workspace (the caller's checkout); path is given relative to it. */
async function functionFolder(job: Job, name: string, greeting: string): Promise<string> {
  const dir = join(job.workspace, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "greeting.txt"), greeting);
  // FROM scratch: builds offline, and the same files give the same digest.
  await writeFile(join(dir, "Dockerfile"), 'FROM scratch\nCOPY greeting.txt /greeting.txt\nCMD ["/hello"]\n');
  return name;
}

describe("cloud-run-deploy builds the function's container when path is given", () => {
  it("builds, pushes, deploys by digest; the same source again changes nothing", async (t) => {
    if (!(await componentsPresent(t))) return;
    const job = await loggedInJob();
    try {
      const dir = await functionFolder(job, "hello", "Hello");
      const tag = `${registry?.host}/functions/hello-build:1`;
      const inputs = fx.deployInputs("built-fn", {
        path: dir,
        image: tag,
        function: "hello_http",
        "base-image": "python312",
      });
      const first = await job.run("cloud-run-deploy", { inputs, timeoutMs: 240_000 });
      assert.equal(first.exitCode, 0, first.stdout + first.stderr);
      const body = fx.stack.gcp.state.services.get(
        `projects/${PROJECT}/locations/${REGION}/services/built-fn`,
      )?.body as {
        template: {
          containers: { image: string; baseImageUri?: string; env?: { name: string; value: string }[] }[];
        };
      };
      const image = body.template.containers[0]?.image ?? "";
      assert.match(image, new RegExp(`^${registry?.host}/functions/hello-build@sha256:[a-f0-9]{64}$`));
      assert.deepEqual(body.template.containers[0]?.env, [{ name: "FUNCTION_TARGET", value: "hello_http" }]);
      assert.equal(
        body.template.containers[0]?.baseImageUri,
        "asia-northeast1-docker.pkg.dev/serverless-runtimes/google-22/runtimes/python312",
      );
      assert.match(first.stdout, /Pushed .*hello-build@sha256:/);

      const before = fx.mutatingCalls();
      const again = await job.run("cloud-run-deploy", { inputs, timeoutMs: 240_000 });
      assert.equal(again.exitCode, 0, again.stdout + again.stderr);
      assert.equal(again.outputs.changed, "false");
      assert.equal(fx.mutatingCalls(), before);
    } finally {
      await job.dispose();
    }
  });

  it("the pushed image holds no .git (nor the token in it) and the user's .dockerignore still applies", async (t) => {
    if (!(await componentsPresent(t))) return;
    const job = await loggedInJob();
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
      const tag = `${registry?.host}/functions/context-check:1`;
      const run = await job.run("cloud-run-deploy", {
        inputs: fx.deployInputs("context-fn", { path: "checked-out", image: tag }),
        timeoutMs: 240_000,
      });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      const digest = /Pushed .*@(sha256:[a-f0-9]{64})/.exec(run.stdout)?.[1] ?? "";
      const files = await imageFiles(
        new RegistryClient({ url: registry?.url ?? "", ...user }),
        "functions/context-check",
        digest,
      );
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

  it("a push the registry refuses explains the login, and deploys nothing", async (t) => {
    if (!(await componentsPresent(t))) return;
    const job = await fx.job();
    try {
      const dir = await functionFolder(job, "refused", "Refused");
      const tag = `${registry?.host}/functions/refused:1`;
      const before = fx.mutatingCalls();
      const run = await job.run("cloud-run-deploy", {
        inputs: fx.deployInputs("refused-build-fn", { path: dir, image: tag }),
        timeoutMs: 240_000,
      });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(
        errorsOf(run)[0] ?? "",
        new RegExp(
          `^docker push ${tag.replace(/[.]/g, "\\.")} was refused \\(.*\\): log in to ${registry?.host.replace(/[.]/g, "\\.")} before cloud-run-deploy \\(docker/login-action with username oauth2accesstoken and an access token, or gcloud auth configure-docker .*\\)\\.$`,
        ),
      );
      assert.equal(fx.mutatingCalls(), before);
    } finally {
      await job.dispose();
    }
  });
});
