// docker's process as an action runs it, with a stand-in docker first on PATH that records what it was
// given (the moments the real one cannot be made to show): ocir-login's auth token reaches docker login
// on stdin and no process's argv; fn-deploy's deadline kills a docker build that would run on, and the
// build's output so far is in its log group.
import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { Job } from "./runner/index.ts";
import { section } from "./support/folded-log.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";

const TOKEN = `stdin-only-${process.pid}-auth-token`;
const APPLICATION = "apps";
/** The function folder the job checks out (the stand-in builds nothing from it). */
const EXAMPLE = resolve(import.meta.dirname, "../examples/hello");
let oci: OciFixture;
before(async () => {
  oci = await startOciFixture();
  oci.stack.oci.state.createApplication({ compartmentId: oci.tenancyId, displayName: APPLICATION });
});
after(async () => {
  await oci?.close();
});

/**
 * A docker CLI stand-in first on PATH: login records its argv, its stdin and every process's command
 * line while it runs, and stores the login in config.json as docker does; `build --help` answers as the
 * legacy builder; a build prints its first step and never ends (until it is killed).
 */
async function recordingDocker(): Promise<{ dir: string; path: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "fngate-docker-recorder-"));
  await writeFile(
    join(dir, "docker"),
    `#!/bin/sh
out=${JSON.stringify(dir)}
case "$1" in
  login)
    printf '%s\\n' "$@" > "$out/login-argv"
    password=$(cat)
    printf '%s' "$password" > "$out/login-stdin"
    for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f"; echo; done > "$out/cmdlines" 2>/dev/null
    config="\${DOCKER_CONFIG:-$HOME/.docker}"
    mkdir -p "$config"
    umask 077
    printf '{"auths":{"%s":{"auth":"%s"}}}\\n' "$2" "$(printf '%s:%s' "$4" "$password" | base64 -w0)" > "$config/config.json"
    echo "Login Succeeded" ;;
  logout)
    echo "Removing login credentials for $2" ;;
  build)
    if [ "$2" = "--help" ]; then echo "Usage:  docker build [OPTIONS] PATH | URL | -"; exit 0; fi
    echo $$ > "$out/build.pid"
    echo "Step 1/2 : FROM scratch"
    exec sleep 300 ;;
  *)
    echo "docker stand-in: $1 is not supported" >&2; exit 1 ;;
esac
`,
  );
  await chmod(join(dir, "docker"), 0o755);
  return {
    dir,
    path: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("docker's process, seen from the action", () => {
  it("ocir-login: the auth token reaches docker login on stdin, never an argv", async () => {
    const docker = await recordingDocker();
    const job = await Job.create({ env: { PATH: docker.path } });
    try {
      const run = await job.run("ocir-login", {
        inputs: {
          region: "ap-tokyo-1",
          namespace: oci.namespace,
          username: "ci-user",
          "auth-token": TOKEN,
          registry: "127.0.0.1:5997",
        },
      });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      assert.equal(await readFile(join(docker.dir, "login-stdin"), "utf8"), TOKEN);
      const argv = await readFile(join(docker.dir, "login-argv"), "utf8");
      assert.match(argv, /^login\n127\.0\.0\.1:5997\n--username\n\S+\/ci-user\n--password-stdin\n$/);
      const cmdlines = await readFile(join(docker.dir, "cmdlines"), "utf8");
      assert.match(cmdlines, /--password-stdin/, "the scan saw docker login");
      assert.ok(!cmdlines.includes(TOKEN), "the auth token is on a command line");
      assert.ok((await job.runPosts()).every((post) => post.exitCode === 0));
    } finally {
      await job.dispose();
      await docker.dispose();
    }
  });

  it("fn-deploy: the deadline stops a docker build that would run on; its output so far is in the build's group", async () => {
    const docker = await recordingDocker();
    const job = await Job.create({ env: { ...oci.env, PATH: docker.path }, checkout: EXAMPLE });
    try {
      assert.equal((await job.run("fn-context", { inputs: oci.inputs() })).exitCode, 0);
      const started = Date.now();
      const run = await job.run("fn-deploy", {
        inputs: {
          application: APPLICATION,
          "compartment-ocid": oci.tenancyId,
          function: "stuck-build",
          path: ".",
          registry: `127.0.0.1:5997/${oci.namespace}`,
          "deadline-minutes": "0.05",
        },
      });
      const elapsed = Date.now() - started;
      assert.equal(run.exitCode, 1, run.stdout + run.stderr);
      const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
      assert.deepEqual(errors, [
        "deadline-minutes (0.05) reached while running docker build; raise deadline-minutes if the step needs longer, or find out what is slow.",
      ]);
      assert.ok(elapsed < 3000 + 1500 + 6000, `took ${elapsed} ms`);
      const pid = Number(await readFile(join(docker.dir, "build.pid"), "utf8"));
      assert.equal(alive(pid), false, "docker build outlived the step");
      const title = run.groups.find((group) => group.startsWith("docker build and push 127.0.0.1:5997/"));
      const built = section(run, title ?? "docker build and push");
      assert.ok(built.includes("Step 1/2 : FROM scratch"), built.join("\n"));
      assert.ok((await job.runPosts()).every((post) => post.exitCode === 0));
    } finally {
      await job.dispose();
      await docker.dispose();
    }
  });
});
