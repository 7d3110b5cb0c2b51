// ~/.docker/config.json (or ~/.docker) as a dotfile manager leaves it: a symlink into a dotfiles
// repository. ocir-login, with docker's config file written by fngate or by docker login itself, never
// puts the registry password into the link's target, and its post step puts the same link back.
import assert from "node:assert/strict";
import { lstat, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { Job, type TreeSnapshot } from "./runner/index.ts";
import { dockerEngineRunning, executableExists, requireComponent } from "./support/real-components.ts";
import { secretsFound } from "./support/secret-scan.ts";

const NAMESPACE = "axaxnpcrorw5";
const TOKEN = `r7;token(${process.pid})`;
const USERS_CONFIG = `{\n\t"auths": {\n\t\t"ghcr.io": {}\n\t},\n\t"detachKeys": "ctrl-q"\n}\n`;
let registry: StartedRegistry | undefined;

before(async () => {
  if (await executableExists("/usr/bin/docker-registry")) {
    registry = await startRegistry({ users: [{ username: `${NAMESPACE}/ci-user`, password: TOKEN }] });
  }
});
after(async () => {
  await registry?.close();
});

function loginInputs(host: string, overrides: Record<string, string> = {}) {
  return {
    region: "ap-tokyo-1",
    namespace: NAMESPACE,
    username: "ci-user",
    "auth-token": TOKEN,
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
  const job = await Job.create(docker ? {} : { env: { PATH: "/nonexistent" } });
  try {
    await prepare(job.home);
    const before = await job.snapshot();
    const main = await job.run("ocir-login", { inputs: loginInputs(host) });
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
    const auth = Buffer.from(`${NAMESPACE}/ci-user:${TOKEN}`).toString("base64");
    assert.deepEqual(secretsFound(await job.allWrittenText(), [TOKEN, auth]), []);
  } finally {
    await job.dispose();
  }
}

describe("ocir-login with a symlinked docker config", () => {
  for (const [name, prepare] of layouts) {
    it(`${name}, no docker installed: fngate writes a private copy, the post step puts the link back`, () =>
      loginThroughLinks(name, prepare, false));

    it(`${name}, docker login: docker writes into the private copy, never the dotfiles`, async (t: TestContext) => {
      const ready =
        (await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))) &&
        (await requireComponent(t, "the Docker engine", dockerEngineRunning));
      if (ready) await loginThroughLinks(name, prepare, true);
    });
  }

  it("logout: false with a linked config.json is refused in one line, before anything is written", async () => {
    const job = await Job.create({ env: { PATH: "/nonexistent" } });
    try {
      const [, prepare] = layouts[0] ?? [];
      await prepare?.(job.home);
      const before = await job.snapshot();
      const main = await job.run("ocir-login", {
        inputs: loginInputs("127.0.0.1:5999", { logout: "false" }),
      });
      assert.equal(main.exitCode, 1);
      const errors = main.annotations.filter((a) => a.level === "error");
      assert.equal(errors.length, 1, main.stdout);
      assert.match(
        errors[0]?.message ?? "",
        /^\/.*\/\.docker\/config\.json is a symlink, and logout is false: the login would have to stay where the link points\. Set logout to true, or replace the link with a file\.$/,
      );
      await job.runPosts();
      assert.deepEqual(await job.snapshot(), before);
    } finally {
      await job.dispose();
    }
  });
});
