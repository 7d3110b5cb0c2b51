// The restore plan's decisions about what sits where fngate is about to write, in process on real
// files: links are recorded and put back as links (never followed, never a mode taken from them),
// replaced for the run by private copies, and odd targets are never read.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { isUserError } from "../src/errors.ts";
import { detachLinks } from "../src/fs/home-links.ts";
import { recordBeforeChange, restore } from "../src/fs/restore-plan.ts";
import { writeIfChanged } from "../src/fs/write-if-changed.ts";
import { snapshotTrees } from "./runner/tree-snapshot.ts";

let root: string;
let home: string;
let temp: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "fngate-plan-"));
  home = join(root, "home");
  temp = join(root, "temp");
  await mkdir(home);
  await mkdir(temp, { mode: 0o700 });
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Records, detaches, writes `content` to every file as a step would, then restores; returns the plan. */
async function roundTrip(files: string[], content = "secret\n") {
  const before = await snapshotTrees(root, [home, temp]);
  const plan = await recordBeforeChange(temp, home, files);
  await detachLinks(plan);
  for (const file of files) await writeIfChanged(file, content);
  for (const file of files) {
    const stats = await lstat(file);
    assert.ok(stats.isFile(), `${file} is a plain file while the step runs`);
    assert.equal(stats.mode & 0o777, 0o600);
  }
  const during = await snapshotTrees(root, [home]);
  await restore(plan);
  assert.deepEqual(await snapshotTrees(root, [home, temp]), before, "everything back, links included");
  return { plan, during };
}

describe("restore plan and links", () => {
  it("a regular file keeps its own content and mode (0640), byte for byte", async () => {
    const file = join(home, ".oci", "config");
    await mkdir(join(home, ".oci"));
    await writeFile(file, "[A]\n", { mode: 0o640 });
    await roundTrip([file]);
    assert.equal((await stat(file)).mode & 0o777, 0o640);
  });

  it("a link to a 0644 file is recorded as a link: no 0777 mode is applied to anything, the target is untouched", async () => {
    const target = join(home, "dotfiles", "config");
    await mkdir(join(home, "dotfiles"));
    await writeFile(target, "[A]\n", { mode: 0o644 });
    await mkdir(join(home, ".oci"));
    await symlink("../dotfiles/config", join(home, ".oci", "config"));
    const { plan } = await roundTrip([join(home, ".oci", "config")]);
    assert.deepEqual(
      plan.entries.find((entry) => entry.kind === "link"),
      { kind: "link", path: join(home, ".oci", "config"), target: "../dotfiles/config" },
    );
    assert.equal(
      await readlink(join(home, ".oci", "config")),
      "../dotfiles/config",
      "relative stays relative",
    );
    assert.equal((await stat(target)).mode & 0o777, 0o644);
    assert.equal(await readFile(target, "utf8"), "[A]\n");
  });

  it("a link loop, a dangling link and links to a folder, a fifo and /dev/zero are replaced without being read", async () => {
    execFileSync("mkfifo", [join(home, "fifo")]);
    await mkdir(join(home, "dotfiles", "folder"), { recursive: true });
    const links = { loop: "loop", gone: join(home, "gone"), "to-folder": join(home, "dotfiles", "folder") };
    for (const [name, target] of Object.entries(links)) await symlink(target, join(home, name));
    await symlink(join(home, "fifo"), join(home, "to-fifo"));
    await symlink("/dev/zero", join(home, "to-zero"));
    await roundTrip(["loop", "gone", "to-folder", "to-fifo", "to-zero"].map((name) => join(home, name)));
  });

  it("a folder link becomes a private folder of links to its entries for the run", async () => {
    await mkdir(join(home, "dotfiles", "oci"), { recursive: true });
    await writeFile(join(home, "dotfiles", "oci", "other.pem"), "other\n", { mode: 0o600 });
    await symlink(join(home, "dotfiles", "oci"), join(home, ".oci"));
    const { during } = await roundTrip([join(home, ".oci", "key.pem")]);
    assert.deepEqual(during.get("home/.oci"), { kind: "directory", mode: 0o700 });
    assert.deepEqual(during.get("home/.oci/other.pem"), {
      kind: "symlink",
      target: join(home, "dotfiles", "oci", "other.pem"),
    });
    assert.equal(during.has("home/dotfiles/oci/key.pem"), false, "nothing written into the target");
  });

  it("a link to a file over 1 MiB is refused in one line before anything is written", async () => {
    await writeFile(join(home, "big"), Buffer.alloc(2 * 1024 * 1024));
    await symlink(join(home, "big"), join(home, "config"));
    const before = await snapshotTrees(root, [home]);
    const plan = await recordBeforeChange(temp, home, [join(home, "config")]);
    await assert.rejects(detachLinks(plan), (error: Error) => {
      assert.ok(isUserError(error));
      assert.match(error.message, /config links to .*big, which holds 2097152 bytes: .*point the link at/);
      return true;
    });
    assert.deepEqual(await snapshotTrees(root, [home]), before);
    await restore(plan);
  });

  it("a folder or a fifo where a file goes, or a file where a folder goes, is refused in one line, leaving nothing behind", async () => {
    await mkdir(join(home, "config"));
    execFileSync("mkfifo", [join(home, "key.pem")]);
    await writeFile(join(home, "first"), "kept\n");
    await writeFile(join(home, ".oci"), "oops\n");
    const before = await snapshotTrees(root, [home, temp]);
    const record = (name: string) => recordBeforeChange(temp, home, [join(home, "first"), join(home, name)]);
    const refusal = (message: string) => (error: Error) => isUserError(error) && error.message === message;
    await assert.rejects(
      record("config"),
      refusal(`${home}/config is a folder, where fngate writes a file: move it away, then re-run.`),
    );
    await assert.rejects(record("key.pem"), /key.pem is not a regular file/);
    await assert.rejects(
      record(".oci/config"),
      refusal(
        `${home}/.oci is a file, where fngate needs a folder for ${home}/.oci/config: move it away, then re-run.`,
      ),
    );
    assert.deepEqual(await snapshotTrees(root, [home, temp]), before, "no backup folder, nothing changed");
  });
});
