// Path inputs confined to the workspace, on a real filesystem with real symbolic links, and the code
// package's size caps checked before (raw size) and while (zipped size) it is read.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, open, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { zipCodeFolder } from "../src/alibaba/code-package.ts";
import { withBuildContext } from "../src/docker/build-context.ts";
import { isUserError } from "../src/errors.ts";
import { confineToWorkspace } from "../src/fs/workspace-path.ts";

let root: string;
let workspace: string;
let outside: string;

before(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "fngate-workspace-")));
  workspace = join(root, "workspace");
  outside = join(root, "outside");
  await mkdir(join(workspace, "fn", "..nested"), { recursive: true });
  await mkdir(outside);
  await symlink(outside, join(workspace, "out-link"));
  await symlink(join(workspace, "fn"), join(workspace, "in-link"));
  await symlink("../outside", join(workspace, "relative-out"));
  await symlink(workspace, join(root, "workspace-link"));
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("confineToWorkspace", () => {
  /** What is allowed: the path given, the real path it names, and the workspace as the runner gives it. */
  const allowed: [string, () => string, () => string, (() => string)?][] = [
    ["the workspace itself", () => ".", () => workspace],
    ["a folder in it", () => "fn", () => join(workspace, "fn")],
    ["a folder whose name starts with ..", () => "fn/..nested", () => join(workspace, "fn", "..nested")],
    ["an absolute path inside", () => join(workspace, "fn"), () => join(workspace, "fn")],
    ["a link to a folder inside", () => "in-link", () => join(workspace, "fn")],
    ["a path that does not exist yet, inside", () => "not-yet", () => join(workspace, "not-yet")],
    [
      "paths inside when the workspace is reached through a link",
      () => "fn",
      () => join(workspace, "fn"),
      () => join(root, "workspace-link"),
    ],
  ];
  for (const [what, given, real, via = () => workspace] of allowed) {
    it(`allows ${what}`, async () => {
      assert.equal((await confineToWorkspace("path", given(), via())).real, real());
    });
  }

  const refused: [string, string, RegExp][] = [
    [
      "../",
      "../",
      /^path "\.\.\/" is outside the workspace \(.*\/workspace\): fngate builds and uploads only what is inside the repository checkout; point path at a folder in it\.$/,
    ],
    ["an absolute path elsewhere", "/etc", /^path "\/etc" is outside the workspace/],
    ["a missing path outside", "../nowhere", /^path "\.\.\/nowhere" is outside the workspace/],
    [
      "a link to a folder outside",
      "out-link",
      /^path "out-link" resolves through a symbolic link to .*\/outside, which is outside the workspace/,
    ],
    [
      "a relative link out",
      "relative-out",
      /^path "relative-out" resolves through a symbolic link to .*\/outside, which is outside/,
    ],
    [
      "a path through a link out",
      "out-link/sub",
      /^path "out-link\/sub" resolves through a symbolic link to .*\/outside\/sub, which is outside/,
    ],
  ];
  for (const [what, value, message] of refused) {
    it(`refuses ${what}, naming the input`, async () => {
      await assert.rejects(
        confineToWorkspace("path", value, workspace),
        (error: unknown) => isUserError(error) && message.test(error.message),
      );
    });
  }
});

describe("zipCodeFolder's caps", () => {
  it("refuses a folder of more than 512 MB of files before reading any (a sparse file here)", async () => {
    const dir = join(root, "huge");
    await mkdir(dir);
    const file = await open(join(dir, "sparse.bin"), "w");
    await file.truncate(600 * 1024 * 1024);
    await file.close();
    await assert.rejects(
      zipCodeFolder(dir, "huge"),
      (error: unknown) =>
        isUserError(error) &&
        /^code-path "huge" holds 600 MB of files, more than fngate zips for an inline upload \(512 MB\)/.test(
          error.message,
        ),
    );
  });

  it("stops zipping as soon as the zip passes 75 MB, with one line", async () => {
    const dir = join(root, "incompressible");
    await mkdir(dir);
    await writeFile(join(dir, "random.bin"), randomBytes(80 * 1024 * 1024));
    await assert.rejects(
      zipCodeFolder(dir, "incompressible"),
      (error: unknown) =>
        isUserError(error) &&
        /^code-path "incompressible" zips to more than 75 MB, the most fngate uploads inline/.test(
          error.message,
        ),
    );
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves VCS metadata out of the package and keeps file modes", async () => {
    const dir = join(root, "code");
    await mkdir(join(dir, ".git"), { recursive: true });
    await writeFile(join(dir, ".git", "config"), "token\n");
    await writeFile(join(dir, "bootstrap"), "#!/bin/sh\n", { mode: 0o755 });
    const zipped = await zipCodeFolder(dir);
    assert.equal(zipped.files, 1);
    const again = await zipCodeFolder(dir);
    assert.equal(again.checksum, zipped.checksum, "the same folder gives the same zip");
  });
});

describe("withBuildContext", () => {
  it("refuses a context that holds the temporary folder (it would be copied into itself)", async () => {
    const context = join(root, "project");
    await mkdir(join(context, "tmp"), { recursive: true });
    await assert.rejects(
      withBuildContext(context, join(context, "tmp"), async () => "built"),
      (error: unknown) =>
        isUserError(error) &&
        error.message ===
          `the build context ${context} holds the temporary folder ${join(context, "tmp")}: point path at the function's folder, or set TMPDIR outside it.`,
    );
    assert.equal(await withBuildContext(join(context, "tmp"), root, async () => "built"), "built");
  });
});
