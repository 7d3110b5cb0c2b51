// fn-deploy's build context, through the runner harness against the OCI emulator, the real Docker engine
// and the real distribution registry: a checkout that holds .git/config with the job's token (what
// actions/checkout leaves without persist-credentials: false), nested VCS metadata and the user's own
// .dockerignore. The image's layers, read back from the registry, hold no VCS metadata and no token
// (where a plain `docker build` of the folder sends .git/config), the user's .dockerignore still
// applies, the user's folder is untouched, nothing is left in RUNNER_TEMP. (Where the image goes when
// its OCIR repository already exists elsewhere in the tenancy: fn-deploy-build.test.ts, in process.)
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { imageFiles } from "./emulators/registry/image-files.ts";
import { RegistryClient } from "./emulators/registry/registry-client.ts";
import { diffSnapshots } from "./runner/index.ts";
import { snapshotTrees, type TreeSnapshot } from "./runner/tree-snapshot.ts";
import { type FnDeployFixture, startFnDeployFixture } from "./support/fn-deploy-fixture.ts";
import { requireDockerAndRegistry } from "./support/real-components.ts";

// The shape of the header actions/checkout writes; the token part is what must never be in an image.
const GITHUB_TOKEN = `ghs_buildcontext${process.pid}XXXXXXXXXXXXXXXXXXXX`;
const ENCODED = Buffer.from(`x-access-token:${GITHUB_TOKEN}`).toString("base64");

let fx: FnDeployFixture;
let checkout: string;

before(async () => {
  fx = await startFnDeployFixture("fn-repository", { authToken: "t0K3n;repo(elsewhere)Zx9" });
  fx.oci.stack.oci.state.fn.createApplication({ compartmentId: fx.oci.tenancyId, displayName: "apps" });
  checkout = await mkdtemp(join(tmpdir(), "fngate-build-context-"));
  const files: Record<string, string> = {
    Dockerfile: "FROM scratch\nCOPY . /ctx/\n",
    "func.js": `// build-context ${process.pid}\n`,
    ".gitignore": "node_modules\n",
    ".dockerignore": "# the user's own rules\nsecret.env\n*.log\n",
    "secret.env": "API_KEY=never-in-the-image\n",
    "build.log": "local build output\n",
    ".git/config": `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${ENCODED}\n`,
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
  await fx?.close();
  if (checkout) await rm(checkout, { recursive: true, force: true });
});

it("fn-deploy's image holds no VCS metadata and no token, keeps the user's .dockerignore, and touches nothing of the user's", async (t) => {
  if (!(await requireDockerAndRegistry(t))) return;
  let workspaceBefore: TreeSnapshot = new Map();
  const prepare = async (job: { root: string; workspace: string }) => {
    workspaceBefore = await snapshotTrees(job.root, [job.workspace]);
  };
  await using job = await fx.preparedJob({ checkout, prepare });
  const { namespace } = fx.oci;
  const step = await job.run("fn-deploy", {
    inputs: {
      application: "apps",
      "compartment-ocid": fx.oci.tenancyId,
      function: "clean-context",
      path: ".",
      registry: `${fx.registry?.host ?? ""}/${namespace}`,
      tag: "1",
    },
    timeoutMs: 240_000,
  });
  const runnerTemp = await snapshotTrees(job.root, [job.runnerTemp]);
  const workspace = await snapshotTrees(job.root, [job.workspace]);
  assert.equal(step.exitCode, 0, step.stdout + step.stderr);
  assert.match(
    step.stdout,
    /Build context: .* without version-control metadata \(\.git, \.hg, \.svn, \.bzr\)/,
  );
  const client = new RegistryClient({
    url: fx.registry?.url ?? "",
    username: `${namespace}/ci-user`,
    password: fx.authToken,
  });
  const files = await imageFiles(client, `${namespace}/clean-context`, step.outputs.digest ?? "");
  const paths = files.map((file) => file.path).sort();
  // Everything the image holds that a puller could read for a credential.
  const leaks = files.filter(
    (file) =>
      file.path.split("/").some((part) => [".git", ".hg", ".svn", ".bzr"].includes(part)) ||
      file.content.includes(GITHUB_TOKEN) ||
      file.content.includes(ENCODED),
  );
  assert.deepEqual(
    leaks.map((file) => file.path),
    [],
  );
  for (const kept of ["ctx/func.js", "ctx/lib/util.js", "ctx/.gitignore", "ctx/Dockerfile"]) {
    assert.ok(paths.includes(kept), `${kept} is in the image: ${paths.join(", ")}`);
  }
  for (const ignored of ["ctx/secret.env", "ctx/build.log"]) {
    assert.ok(!paths.includes(ignored), `the user's .dockerignore keeps ${ignored} out`);
  }
  const changed = diffSnapshots(workspaceBefore, workspace);
  assert.deepEqual([...changed.written.map((file) => file.path), ...changed.removed], []);
  assert.equal(workspace.size, workspaceBefore.size, "nothing added to the user's folder");
  assert.deepEqual(
    [...runnerTemp.keys()].filter((path) => path.includes("fngate-context-")),
    [],
    "the context copy is removed",
  );
});
