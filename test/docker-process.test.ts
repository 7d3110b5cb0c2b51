// The docker CLI runs through @actions/exec (src/docker/run-tool.ts) and keeps what the hand-written
// spawn guaranteed, shown with a stand-in docker (a shell script, called by its path) that records what
// it was given: a secret goes to stdin and never to any process's argv; the step's deadline kills a
// docker that would run on (its own run's only, when several run at once); output reaches the caller's
// log while docker still runs (a buffering runner would never let the stand-in finish), the last line
// too, and the exit code and both streams come back whole.
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { WaitInterrupted } from "../src/deadline.ts";
import { dockerAt } from "../src/docker/docker-cli.ts";
import { dockerLogin } from "../src/docker/registry-login.ts";

let dir: string;
let standIn: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fngate-docker-process-"));
  // A folder with a space: exec() splits its command line like a shell, so the path must survive that.
  const bin = join(dir, "docker bin");
  await mkdir(bin);
  standIn = join(bin, "docker");
  await writeFile(
    standIn,
    `#!/bin/sh
out=${JSON.stringify(dir)}
case "$1" in
  login)
    printf '%s\\n' "$@" > "$out/argv"
    cat > "$out/stdin"
    # Every process's command line while the login runs: the secret must be in none.
    for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f"; echo; done > "$out/cmdlines" 2>/dev/null
    echo "Login Succeeded" ;;
  build)
    echo $$ > "$out/build$3.pid"
    exec sleep 300 ;;
  push)
    echo "The push refers to repository [registry.example/ns/hello]"
    echo "pushing layers" >&2
    # Waits for the test to have seen the first line: only a runner that streams lets it go on.
    i=0
    while [ ! -f "$out/go" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
    [ -f "$out/go" ] || exit 9
    printf '1: digest: sha256:%064d size: 528' 0
    exit 3 ;;
esac
`,
  );
  await chmod(standIn, 0o755);
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readPid(suffix = ""): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const text = await readFile(join(dir, `build${suffix}.pid`), "utf8").catch(() => "");
    if (text.trim()) return Number(text.trim());
    await sleep(25);
  }
  throw new Error("the stand-in never started building");
}

describe("docker through @actions/exec", () => {
  it("docker login: the password goes to stdin only, never to docker's argv or any process's", async () => {
    const password = `pw-${process.pid}-on-stdin-only`;
    const home = join(dir, "home");
    await mkdir(join(dir, "temp"));
    await mkdir(home);
    const result = await dockerLogin(
      dockerAt(standIn, { ...process.env, HOME: home }),
      { registry: "registry.example", username: "ns/ci-user", password },
      { dockerConfigDir: join(home, ".docker"), tempDir: join(dir, "temp"), homeDir: home },
    );
    assert.equal(result.ok, true);
    assert.equal(await readFile(join(dir, "stdin"), "utf8"), password);
    const argv = await readFile(join(dir, "argv"), "utf8");
    assert.deepEqual(argv.trim().split("\n"), [
      "login",
      "registry.example",
      "--username",
      "ns/ci-user",
      "--password-stdin",
    ]);
    const cmdlines = await readFile(join(dir, "cmdlines"), "utf8");
    assert.match(
      cmdlines,
      /registry\.example --username ns\/ci-user --password-stdin/,
      "the scan saw docker",
    );
    assert.ok(!cmdlines.includes(password), "the password is on a command line");
  });

  it("the step's deadline kills a running docker build, and the run says what it stopped", async () => {
    const deadline = new AbortController();
    const running = dockerAt(standIn, process.env).run(["build", "."], { signal: deadline.signal });
    const pid = await readPid();
    assert.ok(alive(pid));
    const started = Date.now();
    deadline.abort(new Error("deadline reached"));
    await assert.rejects(
      running,
      (error: unknown) => error instanceof WaitInterrupted && error.activity === "running docker build",
    );
    assert.ok(Date.now() - started < 5000, "docker was not stopped at once");
    assert.equal(alive(pid), false, "docker outlived the deadline");
  });

  it("two builds at once: each deadline kills its own docker only", async () => {
    const first = new AbortController();
    const second = new AbortController();
    const docker = dockerAt(standIn, process.env);
    const one = docker.run(["build", ".", "-one"], { signal: first.signal });
    const two = docker.run(["build", ".", "-two"], { signal: second.signal });
    const [pidOne, pidTwo] = [await readPid("-one"), await readPid("-two")];
    second.abort(new Error("deadline reached"));
    await assert.rejects(two, WaitInterrupted);
    assert.equal(alive(pidTwo), false);
    assert.equal(alive(pidOne), true, "the other run's docker was killed");
    first.abort(new Error("deadline reached"));
    await assert.rejects(one, WaitInterrupted);
    assert.equal(alive(pidOne), false);
  });

  it("a deadline already past starts no docker at all", async () => {
    await rm(join(dir, "build.pid"), { force: true });
    await assert.rejects(
      dockerAt(standIn, process.env).run(["build", "."], { signal: AbortSignal.abort() }),
      WaitInterrupted,
    );
    await sleep(300);
    assert.equal(await readFile(join(dir, "build.pid"), "utf8").catch(() => undefined), undefined);
  });

  it("output reaches the log while docker runs, the last unterminated line too; code and streams come back whole", async () => {
    const lines: string[] = [];
    const result = await dockerAt(standIn, process.env).run(["push", "registry.example/ns/hello:1"], {
      onLine: (line) => {
        lines.push(line);
        if (line.startsWith("The push refers to")) void writeFile(join(dir, "go"), "");
      },
    });
    assert.equal(result.code, 3, "the stand-in waited for the first line in vain: output was held back");
    assert.equal(
      result.stdout,
      `The push refers to repository [registry.example/ns/hello]\n1: digest: sha256:${"0".repeat(64)} size: 528`,
    );
    assert.equal(result.stderr, "pushing layers\n");
    assert.deepEqual(lines.sort(), [
      `1: digest: sha256:${"0".repeat(64)} size: 528`,
      "The push refers to repository [registry.example/ns/hello]",
      "pushing layers",
    ]);
  });
});
