// fn-deploy builds from a checkout that holds .git/config with the job's token (what actions/checkout
// leaves without persist-credentials: false), nested VCS metadata and the user's own .dockerignore. The
// image is built by the real Docker engine and pushed to the real registry, and its layers are read
// back from the registry: no VCS metadata and no token in any file, the user's .dockerignore still
// applied, the user's folder untouched, nothing left in RUNNER_TEMP. A plain `docker build` of the same
// folder, read back the same way, shows the token: what fn-deploy did before, and proof the check sees it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import { type ImageFile, imageFiles } from "./emulators/registry/image-files.ts";
import { RegistryClient } from "./emulators/registry/registry-client.ts";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { diffSnapshots, Job, type StepResult } from "./runner/index.ts";
import { snapshotTrees } from "./runner/tree-snapshot.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { dockerEngineRunning, executableExists, requireComponent } from "./support/real-components.ts";

const run = promisify(execFile);
const TOKEN = `ocir-token-${process.pid}`;
// The shape of the header actions/checkout writes; the token part is what must never be in an image.
const GITHUB_TOKEN = `ghs_buildcontext${process.pid}XXXXXXXXXXXXXXXXXXXX`;
const APPLICATION = "apps";
let oci: OciFixture;
let registry: StartedRegistry | undefined;
let checkout: string;

before(async () => {
  oci = await startOciFixture();
  oci.stack.oci.state.createApplication({ compartmentId: oci.tenancyId, displayName: APPLICATION });
  if (await executableExists("/usr/bin/docker-registry")) {
    const user = { username: `${oci.namespace}/ci-user`, password: TOKEN };
    registry = await startRegistry({ users: [user] });
    oci.stack.oci.setRegistry({ url: registry.url, ...user });
  }
  checkout = await mkdtemp(join(tmpdir(), "fngate-build-context-"));
  const files: Record<string, string> = {
    Dockerfile: "FROM scratch\nCOPY . /ctx/\n",
    "func.js": `// build-context ${process.pid}\n`,
    ".gitignore": "node_modules\n",
    ".dockerignore": "# the user's own rules\nsecret.env\n*.log\n",
    "secret.env": "API_KEY=never-in-the-image\n",
    "build.log": "local build output\n",
    ".git/config": `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${Buffer.from(`x-access-token:${GITHUB_TOKEN}`).toString("base64")}\n`,
    ".git/HEAD": "ref: refs/heads/main\n",
    "lib/.git": "gitdir: ../.git/modules/lib\n",
    "lib/util.js": "export const util = 1;\n",
    ".hg/hgrc": `[auth]\nci.password = ${GITHUB_TOKEN}\n`,
  };
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(checkout, name, ".."), { recursive: true });
    await writeFile(join(checkout, name), content);
  }
});
after(async () => {
  await registry?.close();
  await oci?.close();
  if (checkout) await rm(checkout, { recursive: true, force: true });
});

async function componentsPresent(t: TestContext): Promise<boolean> {
  if (!(await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))))
    return false;
  return requireComponent(t, "the Docker engine", dockerEngineRunning);
}

function client(): RegistryClient {
  assert.ok(registry);
  return new RegistryClient({ url: registry.url, username: `${oci.namespace}/ci-user`, password: TOKEN });
}

/** Everything an image holds that a puller could read for a credential. */
function leaks(files: ImageFile[]): string[] {
  const encoded = Buffer.from(`x-access-token:${GITHUB_TOKEN}`).toString("base64");
  return files
    .filter(
      (file) =>
        file.path.split("/").some((part) => [".git", ".hg", ".svn", ".bzr"].includes(part)) ||
        file.content.includes(GITHUB_TOKEN) ||
        file.content.includes(encoded),
    )
    .map((file) => file.path);
}

async function deploy(job: Job, name: string): Promise<StepResult> {
  for (const [action, inputs] of [
    ["fn-context", oci.inputs()],
    [
      "ocir-login",
      {
        region: "ap-tokyo-1",
        namespace: oci.namespace,
        username: "ci-user",
        "auth-token": TOKEN,
        registry: registry?.host ?? "",
      },
    ],
  ] as const) {
    const step = await job.run(action, { inputs });
    assert.equal(step.exitCode, 0, step.stdout);
  }
  return job.run("fn-deploy", {
    inputs: {
      application: APPLICATION,
      "compartment-ocid": oci.tenancyId,
      function: name,
      path: ".",
      registry: `${registry?.host}/${oci.namespace}`,
      tag: "1",
    },
    timeoutMs: 240_000,
  });
}

describe("the build context", () => {
  it("fn-deploy's image holds no VCS metadata and no token, keeps the user's .dockerignore, and touches nothing of the user's", async (t) => {
    if (!(await componentsPresent(t))) return;
    const job = await Job.create({ env: oci.env, checkout });
    try {
      const workspaceBefore = await snapshotTrees(job.root, [job.workspace]);
      const step = await deploy(job, "clean-context");
      assert.equal(step.exitCode, 0, step.stdout + step.stderr);
      assert.match(
        step.stdout,
        /Build context: .* without version-control metadata \(\.git, \.hg, \.svn, \.bzr\)/,
      );
      const digest = step.outputs.digest ?? "";
      const files = await imageFiles(client(), `${oci.namespace}/clean-context`, digest);
      const paths = files.map((file) => file.path).sort();
      assert.deepEqual(leaks(files), []);
      for (const kept of ["ctx/func.js", "ctx/lib/util.js", "ctx/.gitignore", "ctx/Dockerfile"]) {
        assert.ok(paths.includes(kept), `${kept} is in the image: ${paths.join(", ")}`);
      }
      for (const ignored of ["ctx/secret.env", "ctx/build.log"]) {
        assert.ok(!paths.includes(ignored), `the user's .dockerignore keeps ${ignored} out`);
      }
      const workspaceAfter = await snapshotTrees(job.root, [job.workspace]);
      const changed = diffSnapshots(workspaceBefore, workspaceAfter);
      assert.deepEqual([...changed.written.map((file) => file.path), ...changed.removed], []);
      assert.equal(workspaceAfter.size, workspaceBefore.size, "nothing added to the user's folder");
      const temp = await snapshotTrees(job.root, [job.runnerTemp]);
      assert.deepEqual(
        [...temp.keys()].filter((path) => path.includes("fngate-context-")),
        [],
        "the context copy is removed",
      );
    } finally {
      await job.dispose();
    }
  });

  it("control: a plain docker build of the same folder puts .git/config with the token into the image", async (t) => {
    if (!(await componentsPresent(t))) return;
    const home = await mkdtemp(join(tmpdir(), "fngate-plain-docker-"));
    try {
      const env = { ...process.env, DOCKER_CONFIG: join(home, ".docker") };
      const image = `${registry?.host}/${oci.namespace}/plain-context:1`;
      const login = execFile(
        "docker",
        ["login", "-u", `${oci.namespace}/ci-user`, "--password-stdin", registry?.host ?? ""],
        {
          env,
        },
      );
      login.stdin?.end(TOKEN);
      await new Promise((resolve) => login.on("close", resolve));
      await run("docker", ["build", "-t", image, checkout], { env });
      const pushed = await run("docker", ["push", image], { env });
      const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed.stdout)?.[1] ?? "";
      const files = await imageFiles(client(), `${oci.namespace}/plain-context`, digest);
      assert.ok(leaks(files).includes("ctx/.git/config"), "docker build alone sends .git/config");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
