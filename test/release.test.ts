// `npm run release -- <x.y.z>` in a throwaway repository holding this checkout's files on a fresh main:
// it refuses a dirty tree, another branch, a version that is not newer, an existing tag, an empty
// "Unreleased" and a stale dist/; a dry run changes nothing; a real run bumps package.json and its lock,
// moves the changelog's entries under the version, commits, tags vX.Y.Z, moves vX and pushes nothing.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { releaseChangelog } from "../scripts/release.ts";
import { repoRoot } from "./runner/index.ts";

const IDENTITY = {
  GIT_AUTHOR_NAME: "fngate test",
  GIT_AUTHOR_EMAIL: "test@fngate.invalid",
  GIT_COMMITTER_NAME: "fngate test",
  GIT_COMMITTER_EMAIL: "test@fngate.invalid",
};

let root: string;
let repo: string;

function git(...args: string[]): string {
  return execFileSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, ...IDENTITY },
  }).trim();
}

function release(...args: string[]): { status: number; stdout: string; stderr: string } {
  const run = spawnSync("npm", ["run", "-s", "release", "--", ...args], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, ...IDENTITY },
  });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** The last line the release script wrote to stderr (npm adds nothing with -s). */
function refusal(run: { status: number; stderr: string }): string {
  assert.equal(run.status, 1, run.stderr);
  return run.stderr.trim().split("\n").at(-1) ?? "";
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), "fngate-release-"));
  repo = join(root, "fngate");
  // The files a commit of this checkout would hold (tracked and new, not ignored), on a fresh main:
  // independent of how this checkout was made (CI checks out one detached, shallow commit).
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    await mkdir(dirname(join(repo, file)), { recursive: true });
    await copyFile(join(repoRoot, file), join(repo, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error; // deleted in the checkout, not yet in the index
    });
  }
  execFileSync("git", ["init", "--quiet", "--initial-branch=main", repo]);
  await symlink(join(repoRoot, "node_modules"), join(repo, "node_modules"));
  await appendFile(join(repo, ".git", "info", "exclude"), "node_modules\n");
  // dist/ as the sources build it, whatever state this checkout's dist/ is in.
  execFileSync("npm", ["run", "-s", "build"], { cwd: repo, stdio: "ignore" });
  git("add", "-A");
  git("commit", "--quiet", "-m", "fngate before its release");
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("npm run release", () => {
  it("refuses a bad version, another branch, a dirty tree, an old version and an existing tag, changing nothing", async () => {
    const head = git("rev-parse", "HEAD");
    assert.equal(
      refusal(release()),
      "release: give the new version as x.y.z: npm run release -- 1.2.3 [--dry-run].",
    );
    assert.equal(
      refusal(release("v1.0")),
      'release: give the new version as x.y.z: npm run release -- 1.2.3 [--dry-run] (not "v1.0").',
    );
    git("switch", "--quiet", "-c", "feature");
    assert.equal(
      refusal(release("1.0.0")),
      "release: releases are cut from main, not feature: git switch main.",
    );
    git("switch", "--quiet", "main");
    await writeFile(join(repo, "notes.txt"), "draft\n");
    assert.equal(
      refusal(release("1.0.0")),
      "release: the working tree is not clean (notes.txt): commit or remove the changes first.",
    );
    await rm(join(repo, "notes.txt"));
    assert.equal(refusal(release("0.0.9")), "release: 0.0.9 is not newer than package.json's 0.1.0.");
    git("tag", "v3.0.0");
    assert.equal(refusal(release("3.0.0")), "release: the tag v3.0.0 exists already: pick the next version.");
    git("tag", "-d", "v3.0.0");
    assert.equal(git("rev-parse", "HEAD"), head);
    assert.equal(git("status", "--porcelain"), "");
  });

  it("refuses a dist/ that is not what the sources build", async () => {
    const file = join(repo, "dist", "cli", "index.js");
    const built = await readFile(file, "utf8");
    await writeFile(file, `${built}// edited by hand\n`);
    git("commit", "--quiet", "-am", "a hand-edited bundle");
    try {
      assert.equal(
        refusal(release("1.0.0")),
        'release: dist/ is not what the sources build: run "npm run build", commit dist/, then release.',
      );
      assert.deepEqual(git("tag", "--list"), "");
    } finally {
      git("reset", "--quiet", "--hard", "HEAD~1");
    }
  });

  it("a dry run checks everything and changes nothing", () => {
    const head = git("rev-parse", "HEAD");
    const run = release("1.0.0", "--dry-run");
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /release v1\.0\.0 \(dry run\): the checks pass\./);
    assert.equal(git("rev-parse", "HEAD"), head);
    assert.equal(git("tag", "--list"), "");
    assert.equal(git("status", "--porcelain"), "");
  });

  it("releases 1.0.0: version, changelog, tag v1.0.0, the major tag v1 moved from an earlier release, nothing pushed; then nothing new, no second release", async () => {
    const unreleased =
      /## Unreleased\n([\s\S]*?)\n## /.exec(await readFile(join(repo, "CHANGELOG.md"), "utf8"))?.[1] ?? "";
    assert.ok(unreleased?.trim(), "this checkout's CHANGELOG.md lists what is unreleased");
    // v1 as an earlier 1.x release left it: the release must move it (one release shows what a
    // second would: the changelog stacks on 0.1.0 below, and the refusal after it ends the story).
    git("tag", "-a", "v1", "-m", "an earlier release");
    const earlier = git("rev-parse", "v1^{commit}");
    const first = release("1.0.0");
    assert.equal(first.status, 0, first.stderr);
    for (const command of ["git push origin main", "git push origin v1.0.0", "git push --force origin v1"])
      assert.ok(first.stdout.includes(`  ${command}\n`), `prints ${command}`);
    assert.equal(git("status", "--porcelain"), "", "everything is committed");
    assert.equal(git("log", "-1", "--format=%s"), "Release v1.0.0");
    assert.equal(git("rev-parse", "v1.0.0^{commit}"), git("rev-parse", "HEAD"));
    assert.equal(git("cat-file", "-t", "v1.0.0"), "tag", "the release tag is annotated");
    assert.equal(git("rev-parse", "v1^{commit}"), git("rev-parse", "HEAD"));
    assert.equal(git("rev-parse", "HEAD~1"), earlier, "v1 moved from the earlier release");
    const manifest = JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as { version: string };
    const lock = JSON.parse(await readFile(join(repo, "package-lock.json"), "utf8")) as {
      version: string;
      packages: Record<string, { version: string }>;
    };
    assert.deepEqual(
      [manifest.version, lock.version, lock.packages[""]?.version],
      ["1.0.0", "1.0.0", "1.0.0"],
    );
    const changelog = await readFile(join(repo, "CHANGELOG.md"), "utf8");
    const today = new Date().toISOString().slice(0, 10);
    assert.ok(
      changelog.includes(`## Unreleased\n\n## 1.0.0 - ${today}\n\n${unreleased.trim()}\n\n## 0.1.0`),
      changelog,
    );
    assert.equal(git("remote"), "", "there is nowhere it could have pushed to");

    // Nothing new: no second release.
    assert.equal(
      refusal(release("1.0.1")),
      'release: CHANGELOG.md lists nothing under "## Unreleased": say what this release changes.',
    );
  });
});

describe("releaseChangelog", () => {
  // Nothing under "## Unreleased" is refused by the release run above, in the line the user reads.
  it("moves the entries under the version, and refuses a changelog without the section", () => {
    const text = "# Changelog\n\nIntro.\n\n## Unreleased\n\n- New.\n\n## 0.1.0 - 2026-01-01\n\n- Old.\n";
    assert.equal(
      releaseChangelog(text, "0.2.0", "2026-02-02"),
      "# Changelog\n\nIntro.\n\n## Unreleased\n\n## 0.2.0 - 2026-02-02\n\n- New.\n\n## 0.1.0 - 2026-01-01\n\n- Old.\n",
    );
    assert.equal(
      releaseChangelog("## Unreleased\n- Only.\n", "1.0.0", "2026-02-02"),
      "## Unreleased\n\n## 1.0.0 - 2026-02-02\n\n- Only.\n",
    );
    assert.throws(() => releaseChangelog("# Changelog\n", "1.0.0", "d"), /has no "## Unreleased" section/);
  });
});
