// The build-context hash that decides whether a registry image can be reused (src/docker/context-hash.ts):
// it changes with every change docker's build would see and with nothing else, and it is the same for
// two checkouts of the same source. Then the real Docker engine settles what "what docker sees" means:
// for a table of .dockerignore files, the files the hash covers are exactly the files a build's
// `COPY . /ctx/` puts in the image.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { contextEntries, readIgnoreFiles } from "../src/docker/context-files.ts";
import { contextHash } from "../src/docker/context-hash.ts";
import { tarEntries } from "./emulators/registry/image-files.ts";
import { dockerEngineRunning, requireComponent } from "./support/real-components.ts";

const run = promisify(execFile);
let root: string;

const FILES: Record<string, string> = {
  Dockerfile: "FROM scratch\nCOPY . /ctx/\n",
  "func.js": "export const handler = () => 'hi';\n",
  "a.log": "root log\n",
  "sub/a.log": "nested log\n",
  "keep.log": "kept log\n",
  "secret/x.txt": "secret\n",
  "node_modules/keep.js": "kept module\n",
  "node_modules/other.js": "other module\n",
  "lib/util.js": "util\n",
  "lib/inner/deep.txt": "deep\n",
  "abs.txt": "abs\n",
  "dot.txt": "dot\n",
  "spaced.txt": "spaced\n",
  "script.sh": "#!/bin/sh\necho hi\n",
  "notes.txt": "ignored notes\n",
  ".dockerignore": "notes.txt\n",
  ".git/config": "[core]\n",
};

before(async () => {
  root = await mkdtemp(join(tmpdir(), "fngate-context-hash-"));
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** A context folder holding FILES (with `overrides`; undefined removes a file), a link and an empty folder. */
async function context(overrides: Record<string, string | undefined> = {}): Promise<string> {
  const dir = await mkdtemp(join(root, "context-"));
  for (const [name, content] of Object.entries({ ...FILES, ...overrides })) {
    if (content === undefined) continue;
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  await chmod(join(dir, "script.sh"), 0o755);
  await mkdir(join(dir, "empty-dir"));
  await symlink("func.js", join(dir, "link.js"));
  return dir;
}

const hashOf = (contextDir: string, platform = "linux/amd64", dockerfile?: string) =>
  contextHash({ contextDir, ...(dockerfile ? { dockerfile } : {}), settings: { platform } });

describe("the context hash", () => {
  it("is the same for two copies of the folder at other paths, with other times and group bits", async () => {
    const first = await context();
    const second = join(root, "elsewhere", "deeper", "checkout");
    await cp(first, second, { recursive: true, verbatimSymlinks: true });
    await utimes(join(second, "func.js"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    await chmod(join(second, "func.js"), 0o664);
    await chmod(join(second, "script.sh"), 0o775);
    assert.equal(await hashOf(second), await hashOf(first));
  });

  const changes: Record<string, [(dir: string) => Promise<void>, "same" | "different"]> = {
    "one byte in a copied file": [
      (dir) => writeFile(join(dir, "func.js"), `${FILES["func.js"]} `),
      "different",
    ],
    "one byte in the Dockerfile": [
      (dir) => writeFile(join(dir, "Dockerfile"), `${FILES.Dockerfile}\n`),
      "different",
    ],
    "one byte in an ignored file": [(dir) => writeFile(join(dir, "notes.txt"), "ignored notes!\n"), "same"],
    "a change in .git (never sent)": [(dir) => writeFile(join(dir, ".git", "config"), "[x]\n"), "same"],
    "the executable bit": [(dir) => chmod(join(dir, "func.js"), 0o755), "different"],
    "a new empty folder": [(dir) => mkdir(join(dir, "another-dir")), "different"],
    "a link's target": [
      (dir) => rm(join(dir, "link.js")).then(() => symlink("lib/util.js", join(dir, "link.js"))),
      "different",
    ],
    "a new rule in .dockerignore": [
      (dir) => writeFile(join(dir, ".dockerignore"), "notes.txt\n# more\n"),
      "different",
    ],
    "a FIFO (docker cannot send one)": [
      (dir) => run("mkfifo", [join(dir, "pipe")]).then(() => undefined),
      "same",
    ],
  };
  for (const [name, [change, expected]] of Object.entries(changes)) {
    it(`${expected === "same" ? "ignores" : "changes with"} ${name}`, async () => {
      const dir = await context();
      const before = await hashOf(dir);
      await change(dir);
      assert.equal((await hashOf(dir)) === before, expected === "same");
    });
  }

  it("changes with the platform and with a Dockerfile outside the context (generated from func.yaml)", async () => {
    const dir = await context();
    assert.notEqual(await hashOf(dir, "linux/arm64"), await hashOf(dir));
    const generated = join(root, "generated.Dockerfile");
    await writeFile(generated, "FROM fnproject/node:20\n");
    const withGenerated = await hashOf(dir, "linux/amd64", generated);
    assert.notEqual(withGenerated, await hashOf(dir));
    await writeFile(generated, "FROM fnproject/node:22\n");
    assert.notEqual(await hashOf(dir, "linux/amd64", generated), withGenerated);
  });

  it("a large file is hashed in pieces: two files differing only in their last byte differ", async () => {
    const dir = await context();
    const big = Buffer.alloc(5 * 1024 * 1024 + 7, 0x61);
    await writeFile(join(dir, "big.bin"), big);
    const before = await hashOf(dir);
    big[big.length - 1] = 0x62;
    await writeFile(join(dir, "big.bin"), big);
    assert.notEqual(await hashOf(dir), before);
  });

  it("with a Dockerfile-specific ignore file, a file counts unless every builder would leave it out", async () => {
    // The legacy builder reads .dockerignore (notes.txt out), BuildKit Dockerfile.dockerignore (notes.txt in).
    const dir = await context({ "Dockerfile.dockerignore": "a.log\n" });
    const paths = async () =>
      (await contextEntries(dir, await readIgnoreFiles(dir, join(dir, "Dockerfile")))).map((e) => e.path);
    assert.ok((await paths()).includes("notes.txt"));
    assert.ok((await paths()).includes("a.log"));
    await writeFile(join(dir, "Dockerfile.dockerignore"), "a.log\nnotes.txt\n");
    assert.ok(!(await paths()).includes("notes.txt"), "both builders leave it out");
  });
});

describe("what the hash covers is what docker's build sees", () => {
  const table: [string, string | undefined][] = [
    ["no .dockerignore", undefined],
    ["root-level globs and a folder", "*.log\nsecret/\n"],
    ["** and an exception", "**/*.log\n!keep.log\n"],
    ["an excluded folder with an exception inside", "node_modules\n!node_modules/keep.js\n"],
    ["everything but a list", "*\n!func.js\n!lib\n"],
    [
      "comments, leading / and ./, spaces, the ignore file and Dockerfile themselves",
      "# c\n/abs.txt\n./dot.txt\n  spaced.txt  \n.dockerignore\nDockerfile\n",
    ],
    ["a one-level wildcard", "lib/*/deep.txt\n"],
  ];
  for (const [name, ignoreText] of table) {
    it(name, async (t) => {
      if (!(await requireComponent(t, "the Docker engine", dockerEngineRunning))) return;
      const dir = await context({ ".git/config": undefined, ".dockerignore": ignoreText });
      await rm(join(dir, ".git"), { recursive: true, force: true });
      const entries = await contextEntries(dir, await readIgnoreFiles(dir, join(dir, "Dockerfile")));
      const image = `fngate-context-check-${process.pid}-${table.findIndex(([n]) => n === name)}`;
      await run("docker", ["build", "-q", "-t", image, dir]);
      try {
        const container = (await run("docker", ["create", image, "/none"])).stdout.trim();
        try {
          const exported = await run("docker", ["export", container], {
            encoding: "buffer",
            maxBuffer: 64 << 20,
          });
          const inImage = tarEntries(exported.stdout as unknown as Buffer)
            .map((entry) => entry.path)
            .filter((path) => path.startsWith("ctx/") && path !== "ctx/");
          const files = inImage.filter((path) => !path.endsWith("/")).map((path) => path.slice(4));
          const dirs = inImage.filter((path) => path.endsWith("/")).map((path) => path.slice(4, -1));
          const hashed = entries.filter((entry) => entry.kind !== "dir").map((entry) => entry.path);
          assert.deepEqual(hashed, [...files].sort());
          // A folder docker makes only to hold a file brought back by an exception is not one the user sent.
          for (const entry of entries.filter((e) => e.kind === "dir"))
            assert.ok(dirs.includes(entry.path), entry.path);
        } finally {
          await run("docker", ["rm", container]);
        }
      } finally {
        await run("docker", ["image", "rm", image]);
      }
    });
  }
});
