// fn-deploy through the runner harness against the OCI emulator, the real Docker engine and the real
// distribution registry: where the image goes, and what goes into it.
// - The function's OCIR repository already exists in another compartment, as `fn deploy` leaves it (in
//   the root compartment): OCI answers the create in the chosen compartment with 409 (names are unique
//   across the tenancy), so fn-deploy finds the repository in the whole tenancy and pushes there,
//   warning when it is public.
// - The build context: a checkout that holds .git/config with the job's token (what actions/checkout
//   leaves without persist-credentials: false), nested VCS metadata and the user's own .dockerignore.
//   The image's layers, read back from the registry, hold no VCS metadata and no token, the user's
//   .dockerignore still applies, the user's folder is untouched, nothing is left in RUNNER_TEMP. A plain
//   `docker build` of the same folder, read back the same way, shows the token: what fn-deploy did
//   before, and proof the check sees it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { CompartmentRecord as Compartment } from "./emulators/oci/identity-store.ts";
import { type ImageFile, imageFiles } from "./emulators/registry/image-files.ts";
import { RegistryClient } from "./emulators/registry/registry-client.ts";
import { diffSnapshots, type Job } from "./runner/index.ts";
import { snapshotTrees, type TreeSnapshot } from "./runner/tree-snapshot.ts";
import { type FnDeployFixture, startFnDeployFixture } from "./support/fn-deploy-fixture.ts";
import type { OciFixture } from "./support/oci-fixture.ts";
import { requireDockerAndRegistry } from "./support/real-components.ts";

const run = promisify(execFile);
const APPLICATION = "team-apps";
// The shape of the header actions/checkout writes; the token part is what must never be in an image.
const GITHUB_TOKEN = `ghs_buildcontext${process.pid}XXXXXXXXXXXXXXXXXXXX`;
const ENCODED = Buffer.from(`x-access-token:${GITHUB_TOKEN}`).toString("base64");

let fx: FnDeployFixture;
let oci: OciFixture;
let team: Compartment;
let checkout: string;

before(async () => {
  fx = await startFnDeployFixture("fn-repository", { authToken: "t0K3n;repo(elsewhere)Zx9" });
  oci = fx.oci;
  team = oci.stack.oci.state.iam.createCompartment({ parentId: oci.tenancyId, name: "team" });
  oci.stack.oci.state.fn.createApplication({ compartmentId: team.id, displayName: APPLICATION });
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

/** fn-deploy of `functionName` into the team compartment's application, in `job` (fn-context, ocir-login done). */
async function deploy(job: Job, functionName: string, extra: Record<string, string> = {}) {
  const step = await job.run("fn-deploy", {
    inputs: {
      application: APPLICATION,
      "compartment-ocid": team.id,
      function: functionName,
      path: ".",
      registry: `${fx.registry?.host ?? ""}/${oci.namespace}`,
      ...extra,
    },
    timeoutMs: 240_000,
  });
  const runnerTemp = await snapshotTrees(job.root, [job.runnerTemp]);
  return { step, runnerTemp, workspace: await snapshotTrees(job.root, [job.workspace]) };
}

const repositoriesNamed = (name: string) =>
  [...oci.stack.oci.state.artifacts.repositories.values()].filter((r) => r.displayName === name);

describe("fn-deploy finds the OCIR repository wherever it is in the tenancy", () => {
  /** One job for both deploys, as a workflow's steps. */
  let job: Job | undefined;
  after(async () => {
    await job?.dispose();
  });
  const prepared = async () => (job ??= await fx.preparedJob());

  it("a private repository in the root compartment (fn deploy's) is found and pushed to", async (t) => {
    if (!(await requireDockerAndRegistry(t))) return;
    const rootRepository = oci.stack.oci.state.artifacts.createContainerRepository({
      compartmentId: oci.tenancyId,
      displayName: "made-by-fn",
    });
    const { step } = await deploy(await prepared(), "made-by-fn");
    assert.equal(step.exitCode, 0, step.stdout + step.stderr);
    assert.match(
      step.stdout,
      new RegExp(
        `OCIR repository made-by-fn exists in compartment ${oci.tenancyId} \\(names are unique across the tenancy\\): pushing to it\\.`,
      ),
    );
    assert.deepEqual(
      repositoriesNamed("made-by-fn").map((r) => r.id),
      [rootRepository.id],
      "no second repository",
    );
    assert.equal(step.annotations.filter((a) => a.level === "warning").length, 0, "private: no warning");
    const fn = oci.stack.oci.state.fn.functions.get(step.outputs["function-id"] ?? "");
    assert.equal(fn?.image, `${fx.registry?.host}/${oci.namespace}/made-by-fn:0.0.1`);
    const searches = oci.stack.oci.requests.filter(
      (r) => r.operation === "ListContainerRepositories" && r.target.includes("compartmentIdInSubtree=true"),
    );
    assert.ok(
      searches.some((r) => r.target.includes(`compartmentId=${encodeURIComponent(oci.tenancyId)}`)),
      "searched from the tenancy (root compartment)",
    );
  });

  it("a public repository elsewhere is used, with a warning that says how to make it private", async (t) => {
    if (!(await requireDockerAndRegistry(t))) return;
    const other = oci.stack.oci.state.iam.createCompartment({ parentId: oci.tenancyId, name: "shared" });
    const shared = oci.stack.oci.state.artifacts.createContainerRepository({
      compartmentId: other.id,
      displayName: "shared-fn",
      isPublic: true,
    });
    const { step } = await deploy(await prepared(), "shared-fn");
    assert.equal(step.exitCode, 0, step.stdout + step.stderr);
    const warnings = step.annotations.filter((a) => a.level === "warning").map((a) => a.message);
    assert.deepEqual(warnings, [
      `OCIR repository shared-fn is public: anyone can pull the function's image without credentials. Make it private (Container Registry > shared-fn > Actions > Change to private, or oci artifacts container repository update --repository-id ${shared.id} --is-public false).`,
    ]);
    assert.equal(repositoriesNamed("shared-fn").length, 1);
  });
});

describe("the build context", () => {
  const client = () =>
    new RegistryClient({
      url: fx.registry?.url ?? "",
      username: `${oci.namespace}/ci-user`,
      password: fx.authToken,
    });
  /** Everything an image holds that a puller could read for a credential. */
  const leaks = (files: ImageFile[]) =>
    files
      .filter(
        (file) =>
          file.path.split("/").some((part) => [".git", ".hg", ".svn", ".bzr"].includes(part)) ||
          file.content.includes(GITHUB_TOKEN) ||
          file.content.includes(ENCODED),
      )
      .map((file) => file.path);

  it("fn-deploy's image holds no VCS metadata and no token, keeps the user's .dockerignore, and touches nothing of the user's", async (t) => {
    if (!(await requireDockerAndRegistry(t))) return;
    let workspaceBefore: TreeSnapshot = new Map();
    const prepare = async (job: { root: string; workspace: string }) => {
      workspaceBefore = await snapshotTrees(job.root, [job.workspace]);
    };
    await using job = await fx.preparedJob({ checkout, prepare });
    const { step, runnerTemp, workspace } = await deploy(job, "clean-context", { tag: "1" });
    assert.equal(step.exitCode, 0, step.stdout + step.stderr);
    assert.match(
      step.stdout,
      /Build context: .* without version-control metadata \(\.git, \.hg, \.svn, \.bzr\)/,
    );
    const files = await imageFiles(client(), `${oci.namespace}/clean-context`, step.outputs.digest ?? "");
    const paths = files.map((file) => file.path).sort();
    assert.deepEqual(leaks(files), []);
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

  it("control: a plain docker build of the same folder puts .git/config with the token into the image", async (t) => {
    if (!(await requireDockerAndRegistry(t))) return;
    const home = await mkdtemp(join(tmpdir(), "fngate-plain-docker-"));
    try {
      const env = { ...process.env, DOCKER_CONFIG: join(home, ".docker") };
      const image = `${fx.registry?.host}/${oci.namespace}/plain-context:1`;
      const login = run(
        "docker",
        ["login", "-u", `${oci.namespace}/ci-user`, "--password-stdin", `${fx.registry?.host}`],
        { env },
      );
      login.child.stdin?.end(fx.authToken);
      await login;
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
