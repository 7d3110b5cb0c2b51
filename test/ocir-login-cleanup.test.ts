// What ocir-login leaves and puts back. ~/.docker/config.json (or ~/.docker) as a dotfile manager
// leaves it, a symlink into a dotfiles repository: with docker's config file written by fngate or by
// docker login itself, the registry password never reaches the link's target, and the post step puts
// the same link back. Cleanup under failure: a login that fails clears the state it saved; a post step
// whose first cleanup fails still does every other one (the key and ~/.oci/config are removed), naming
// each failure in its own warning, without failing the job; and fn-deploy's deadline kills a docker
// build (the stand-in docker, test/support/docker-stand-in.ts) that would run on, the build's output so
// far in its log group. The stand-in records what it was given: the auth token reaches docker login on
// stdin and no process's argv. A run cancelled (SIGTERM, SIGKILL) while docker login writes the
// credential, and the whole pipeline cancelled in its ocir-login stage, are R7 cases
// (test/reliability/r7/ocir-and-cleanup.cases.ts).
import assert from "node:assert/strict";
import { lstat, mkdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { PIPELINE } from "./reliability/pipeline-fixture.ts";
import { assertUserFailure, Job, type TreeSnapshot } from "./runner/index.ts";
import { dockerStandIn, processAlive } from "./support/docker-stand-in.ts";
import { section } from "./support/folded-log.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { stepPassed } from "./support/passed.ts";
import { registryInstalled, requireDockerAndRegistry } from "./support/real-components.ts";
import { secretsFound } from "./support/secret-scan.ts";

const TOKEN = `cleanup-${process.pid}-auth-token`;
const REGISTRY = "127.0.0.1:5998";
const NAMESPACE = "axaxnpcrorw5";
const LINK_TOKEN = `r7;token(${process.pid})`;
const USERS_CONFIG = `{\n\t"auths": {\n\t\t"ghcr.io": {}\n\t},\n\t"detachKeys": "ctrl-q"\n}\n`;
let oci: OciFixture;
let registry: StartedRegistry | undefined;

before(async () => {
  oci = await startOciFixture();
  oci.stack.oci.state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "apps" });
  if (await registryInstalled()) {
    registry = await startRegistry({ users: [{ username: `${NAMESPACE}/ci-user`, password: LINK_TOKEN }] });
  }
});
after(async () => {
  await registry?.close();
  await oci?.close();
});

const loginInputs = { region: "ap-tokyo-1", registry: REGISTRY, username: "ci-user", "auth-token": TOKEN };
/** The root action with only fn-context and ocir-login: what has to be undone. */
const SKIP = "fn-deploy,gateway-deploy,entra-token,smoke-test";

const warningsOf = (run: { annotations: { level: string; message: string }[] }) =>
  run.annotations.filter((note) => note.level === "warning").map((note) => note.message);

describe("ocir-login cleanup state", () => {
  it("a login that fails clears the saved state: the post step has nothing to undo", async () => {
    await using job = await Job.create({ env: { PATH: "/nonexistent" } });
    await mkdir(join(job.home, ".docker"));
    // Not JSON: writing the login fails after the cleanup state was saved.
    await writeFile(join(job.home, ".docker", "config.json"), "{ not json", { mode: 0o600 });
    const before = await job.snapshot();
    const main = await job.run("ocir-login", { inputs: { ...loginInputs, namespace: oci.namespace } });
    assertUserFailure(main, /config\.json is not valid JSON/, [TOKEN]);
    assert.equal(main.state.cleanup, "", "the state saved before the login was cleared after undoing it");
    const [post] = await job.runPosts();
    assert.match(post?.stdout ?? "", /Nothing to clean up/);
    assert.deepEqual(await job.snapshot(), before);
  });
});

describe("the pipeline's post step when a cleanup fails", () => {
  it("docker logout and the config.json restore fail: both are named, the key and ~/.oci are still restored", async () => {
    const docker = await dockerStandIn({ logoutFails: "Error: cannot reach the credential helper" });
    const job = await Job.create({ env: { ...oci.env, PATH: docker.path } });
    try {
      const before = await job.snapshot();
      const main = await stepPassed(job, PIPELINE, { ...oci.inputs(), ...loginInputs, skip: SKIP });
      // The auth token reached docker login on stdin, and no process's command line.
      assert.equal(await docker.recorded("login-stdin"), TOKEN);
      const argv = await docker.recorded("login-argv");
      assert.match(argv ?? "", /^login\n127\.0\.0\.1:5998\n--username\n\S+\/ci-user\n--password-stdin\n$/);
      const cmdlines = (await docker.recorded("cmdlines")) ?? "";
      assert.match(cmdlines, /--password-stdin/, "the scan saw docker login");
      assert.ok(!cmdlines.includes(TOKEN), "the auth token is on a command line");
      // Something else replaced docker's config.json with a folder: restoring it must fail.
      const config = join(job.home, ".docker", "config.json");
      await rm(config);
      await mkdir(join(config, "inside"), { recursive: true });

      const [post] = await job.runPosts();
      assert.equal(post?.exitCode, 0, "a cleanup failure never fails the job");
      const warnings = warningsOf(post ?? main);
      assert.equal(warnings.length, 2, warnings.join("\n"));
      assert.match(
        warnings[0] ?? "",
        /^cleanup failed: docker logout 127\.0\.0\.1:5998: Error: cannot reach the credential helper$/,
      );
      assert.match(
        warnings[1] ?? "",
        /^cleanup failed: restoring docker's config\.json \(.*config\.json\) after the 127\.0\.0\.1:5998 login: /,
      );
      assert.match(post?.stdout ?? "", /Removed the key files fn-context wrote/);

      const after = await job.snapshot();
      // Only what could not be restored stays (and the backup RUNNER_TEMP loses at the end of the job).
      const left = [...after.keys()].filter((path) => !before.has(path) && !path.startsWith("runner-temp/"));
      assert.deepEqual(left.sort(), [
        "home/.docker",
        "home/.docker/config.json",
        "home/.docker/config.json/inside",
      ]);
      await assert.rejects(stat(join(job.home, ".oci")), "~/.oci is gone, as before the job");
    } finally {
      await job.dispose();
      await docker.dispose();
    }
  });
});

describe("fn-deploy with a docker build that would run on", () => {
  it("the deadline stops it; its output so far is in the build's group", async () => {
    const docker = await dockerStandIn();
    const checkout = resolve(import.meta.dirname, "../examples/hello");
    await using job = await Job.create({ env: { ...oci.env, PATH: docker.path }, checkout });
    try {
      assert.equal((await job.run("fn-context", { inputs: oci.inputs() })).exitCode, 0);
      const started = Date.now();
      const run = await job.run("fn-deploy", {
        inputs: {
          application: "apps",
          "compartment-ocid": oci.tenancyId,
          function: "stuck-build",
          path: ".",
          registry: `127.0.0.1:5997/${oci.namespace}`,
          "deadline-minutes": "0.05",
        },
      });
      const elapsed = Date.now() - started;
      assertUserFailure(
        run,
        "deadline-minutes (0.05) reached while running docker build; raise deadline-minutes if the step needs longer, or find out what is slow.",
        [oci.key.pkcs8],
      );
      assert.ok(elapsed < 3000 + 1500 + 6000, `took ${elapsed} ms`);
      const pid = Number((await docker.recorded("builds"))?.split(" ")[0]);
      assert.equal(processAlive(pid), false, "docker build outlived the step");
      const title = run.groups.find((group) => group.startsWith("docker build and push 127.0.0.1:5997/"));
      const built = section(run, title ?? "docker build and push");
      assert.ok(built.includes("Step 1/2 : FROM scratch"), built.join("\n"));
      assert.ok((await job.runPosts()).every((post) => post.exitCode === 0));
    } finally {
      await docker.dispose();
    }
  });
});

function linkLoginInputs(host: string, overrides: Record<string, string> = {}) {
  return {
    region: "ap-tokyo-1",
    namespace: NAMESPACE,
    username: "ci-user",
    "auth-token": LINK_TOKEN,
    registry: host,
    ...overrides,
  };
}

const layouts: [string, (home: string) => Promise<void>][] = [
  [
    "~/.docker/config.json links into dotfiles",
    async (home) => {
      await mkdir(join(home, "dotfiles"));
      await writeFile(join(home, "dotfiles", "docker.json"), USERS_CONFIG, { mode: 0o644 });
      await mkdir(join(home, ".docker"), { mode: 0o700 });
      await symlink("../dotfiles/docker.json", join(home, ".docker", "config.json"));
    },
  ],
  [
    "~/.docker links to a dotfiles folder",
    async (home) => {
      await mkdir(join(home, "dotfiles", "docker"), { recursive: true });
      await writeFile(join(home, "dotfiles", "docker", "config.json"), USERS_CONFIG, { mode: 0o600 });
      await symlink(join(home, "dotfiles", "docker"), join(home, ".docker"));
    },
  ],
];

const dotfiles = (snapshot: TreeSnapshot) => [...snapshot].filter(([path]) => path.includes("/dotfiles"));

async function loginThroughLinks(name: string, prepare: (home: string) => Promise<void>, docker: boolean) {
  const host = docker ? (registry?.host ?? "") : "127.0.0.1:5999";
  await using job = await Job.create(docker ? {} : { env: { PATH: "/nonexistent" } });
  await prepare(job.home);
  const before = await job.snapshot();
  const main = await job.run("ocir-login", { inputs: linkLoginInputs(host) });
  assert.equal(main.exitCode, 0, `${name}: ${main.stdout}${main.stderr}`);
  const configPath = join(job.home, ".docker", "config.json");
  const stats = await lstat(configPath);
  assert.ok(stats.isFile(), `${name}: a private file for the run`);
  assert.equal(stats.mode & 0o777, 0o600);
  const config = JSON.parse(await readFile(configPath, "utf8")) as { auths: Record<string, unknown> };
  assert.ok(config.auths["ghcr.io"] && config.auths[host], `${name}: the user's entries are kept`);
  assert.deepEqual(dotfiles(await job.snapshot()), dotfiles(before), `${name}: nothing written through`);
  const posts = await job.runPosts();
  assert.ok(
    posts.every((post) => post.exitCode === 0 && post.annotations.length === 0),
    name,
  );
  assert.deepEqual(await job.snapshot(), before, `${name}: the link is back, the target untouched`);
  const auth = Buffer.from(`${NAMESPACE}/ci-user:${LINK_TOKEN}`).toString("base64");
  assert.deepEqual(secretsFound(await job.allWrittenText(), [LINK_TOKEN, auth]), []);
}

describe("ocir-login with a symlinked docker config", () => {
  for (const [name, prepare] of layouts) {
    it(`${name}, no docker installed: fngate writes a private copy, the post step puts the link back`, () =>
      loginThroughLinks(name, prepare, false));

    it(`${name}, docker login: docker writes into the private copy, never the dotfiles`, async (t: TestContext) => {
      if (await requireDockerAndRegistry(t)) await loginThroughLinks(name, prepare, true);
    });
  }

  it("logout: false with a linked config.json is refused in one line, before anything is written", async () => {
    await using job = await Job.create({ env: { PATH: "/nonexistent" } });
    const [, prepare] = layouts[0] ?? [];
    await prepare?.(job.home);
    const before = await job.snapshot();
    const main = await job.run("ocir-login", {
      inputs: linkLoginInputs("127.0.0.1:5999", { logout: "false" }),
    });
    assertUserFailure(
      main,
      /^\/.*\/\.docker\/config\.json is a symlink, and logout is false: the login would have to stay where the link points\. Set logout to true, or replace the link with a file\.$/,
      [LINK_TOKEN],
    );
    await job.runPosts();
    assert.deepEqual(await job.snapshot(), before);
  });
});
