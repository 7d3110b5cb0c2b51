// Dotfile managers (stow, chezmoi, yadm, home-manager) turn ~/.oci/config, a key, ~/.fn or a whole folder
// into symlinks. Through the built action (main, then post) and the built CLI (fn-context, then
// cleanup): fngate never writes through a link into its target, writes only private files for the run
// (the other profiles kept), and puts back the very same link afterwards. A linked key path, a dangling
// link, a link to a folder and what is refused (a folder where a file goes) are the restore plan's
// decisions (restore-plan-links.test.ts); R7's secret-files cases run those layouts through the action.
import assert from "node:assert/strict";
import { lstat, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Job, type TreeSnapshot } from "./runner/index.ts";
import { cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
import { pemArmor } from "./support/keys.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { secretsFound } from "./support/secret-scan.ts";

let oci: OciFixture;
before(async () => {
  oci = await startOciFixture();
});
after(async () => {
  await oci?.close();
});

const OTHER_PROFILE = "[OTHER]\nuser=ocid1.user.oc1..aaaaaaaaother\nkey_file=~/.oci/other.pem\n";
const OTHER_KEY = pemArmor("PRIVATE KEY", "not-fngates-key-but-the-users-own");

interface Layout {
  name: string;
  /** Builds the user's HOME: a dotfiles folder and the links into it. */
  prepare(home: string): Promise<void>;
  /** The [OTHER] profile is in the config fngate merges into. */
  keepsOtherProfile?: boolean;
}

const layouts: Layout[] = [
  {
    name: "~/.oci/config links into a dotfiles repository",
    keepsOtherProfile: true,
    async prepare(home) {
      await dotfile(home, "oci-config", OTHER_PROFILE, 0o644);
      await mkdir(join(home, ".oci"), { mode: 0o700 });
      await symlink("../dotfiles/oci-config", join(home, ".oci", "config"));
    },
  },
  {
    name: "~/.oci itself links to a dotfiles folder holding another profile and its key",
    keepsOtherProfile: true,
    async prepare(home) {
      await dotfile(home, "oci/config", OTHER_PROFILE, 0o600);
      await dotfile(home, "oci/other.pem", OTHER_KEY, 0o600);
      await symlink("dotfiles/oci", join(home, ".oci"));
    },
  },
  {
    name: "~/.fn links to a folder whose contexts folder and files are links too",
    async prepare(home) {
      await dotfile(home, "fn/config.yaml", "current-context: laptop\n", 0o644);
      await dotfile(home, "fn-contexts/laptop.yaml", "provider: default\n", 0o644);
      await dotfile(home, "fn-contexts/fngate.yaml", "provider: default\nregistry: mine\n", 0o644);
      await symlink(join(home, "dotfiles", "fn-contexts"), join(home, "dotfiles", "fn", "contexts"));
      await symlink(join(home, "dotfiles", "fn"), join(home, ".fn"));
    },
  },
];

async function dotfile(home: string, path: string, content: string, mode: number): Promise<void> {
  const file = join(home, "dotfiles", path);
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, content, { mode });
}

/** What fngate writes for the run: each must be a private regular file, never a link. */
const WRITTEN = [".oci/config", ".oci/fngate-DEFAULT.pem", ".fn/config.yaml", ".fn/contexts/fngate.yaml"];

/** While the run's files are in place: private files, the dotfiles untouched, the other profile kept. */
async function assertDuringRun(layout: Layout, home: string, before: TreeSnapshot, now: TreeSnapshot) {
  for (const path of WRITTEN) {
    const stats = await lstat(join(home, path));
    assert.ok(stats.isFile(), `${layout.name}: ${path} is a regular file for the run`);
    assert.equal(stats.mode & 0o777, 0o600, `${layout.name}: ${path} is 0600`);
  }
  for (const [path, entry] of now) {
    if (path.includes("/.oci") || path.includes("/.fn")) {
      if (entry.kind === "directory")
        assert.equal(entry.mode & 0o077, 0, `${layout.name}: ${path} is private`);
      if (entry.kind === "file") assert.equal(entry.mode & 0o077, 0, `${layout.name}: ${path} is private`);
    }
  }
  const dotfiles = (snapshot: TreeSnapshot) => [...snapshot].filter(([path]) => path.includes("/dotfiles"));
  assert.deepEqual(dotfiles(now), dotfiles(before), `${layout.name}: nothing written through a link`);
  assert.equal(await readFile(join(home, ".oci", "fngate-DEFAULT.pem"), "utf8"), oci.key.pkcs8);
  const config = await readFile(join(home, ".oci", "config"), "utf8");
  assert.match(config, /^\[DEFAULT\]$/m, layout.name);
  if (layout.keepsOtherProfile) {
    assert.ok(config.startsWith(OTHER_PROFILE), `${layout.name}: the other profile is kept`);
  }
  if (layout.name.includes("another profile and its key")) {
    assert.equal(await readFile(join(home, ".oci", "other.pem"), "utf8"), OTHER_KEY, "its key resolves");
  }
}

describe("fn-context with symlinked HOME files, as an action (main, then post)", () => {
  for (const layout of layouts) {
    it(`${layout.name}: private files for the run, the link put back`, async () => {
      await using job = await Job.create({ env: oci.env });
      await layout.prepare(job.home);
      const before = await job.snapshot();
      const main = await job.run("fn-context", { inputs: oci.inputs() });
      assert.equal(main.exitCode, 0, `${layout.name}: ${main.stdout}${main.stderr}`);
      assert.match(main.stdout, /is a symlink: fngate never writes through it/);
      await assertDuringRun(layout, job.home, before, await job.snapshot());
      const posts = await job.runPosts();
      assert.ok(
        posts.every((post) => post.exitCode === 0 && post.annotations.length === 0),
        `${layout.name}: ${posts.map((post) => post.stdout).join("\n")}`,
      );
      assert.deepEqual(await job.snapshot(), before, `${layout.name}: HOME is as it was, links included`);
      assert.deepEqual(secretsFound(await job.allWrittenText(), [oci.key.pkcs8]), []);
    });
  }
});

// The same restore plan undoes the run on both adapters: through the CLI, a folder of links, put back by
// `fngate cleanup` (R7's secret-files cases run the CLI with a linked ~/.oci/config and ~/.oci).
describe("fn-context with symlinked HOME files, from the CLI (fn-context, then cleanup)", () => {
  for (const layout of layouts.filter((l) => l.name.startsWith("~/.fn"))) {
    it(`${layout.name}: private files for the run, the link put back by fngate cleanup`, async () => {
      await using sandbox = await cliSandbox(oci.env);
      await layout.prepare(sandbox.home);
      const before = await sandbox.snapshot();
      const { "private-key": privateKey = "", ...open } = oci.inputs();
      const run = await sandbox.run(["fn-context", ...flagsOf(open)], envOf({ "private-key": privateKey }));
      assert.equal(run.exitCode, 0, `${layout.name}: ${run.stderr}`);
      await assertDuringRun(layout, sandbox.home, before, await sandbox.snapshot());
      const cleanup = await sandbox.run(["cleanup"]);
      assert.equal(cleanup.exitCode, 0, cleanup.stderr);
      assert.deepEqual(await sandbox.snapshot(), before, `${layout.name}: HOME is as it was`);
      assert.deepEqual(secretsFound(await sandbox.allWrittenText(), [oci.key.pkcs8]), []);
    });
  }
});
