// The docker CLI runs through @actions/exec (src/docker/run-tool.ts) and keeps what the hand-written
// spawn guaranteed, shown with a stand-in docker (a shell script, called by its path) that records what
// it was given: a secret goes to stdin and never to any process's argv; the step's deadline kills a
// docker that would run on (its own run's only, when several run at once); output reaches the caller's
// log while docker still runs (a buffering runner would never let the stand-in finish), the last line
// too, and the exit code and both streams come back whole.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { WaitInterrupted } from "../src/deadline.ts";
import { dockerAt } from "../src/docker/docker-cli.ts";
import { dockerLogin } from "../src/docker/registry-login.ts";
import { processAlive as alive, type DockerStandIn, dockerStandIn } from "./support/docker-stand-in.ts";

let standIn: DockerStandIn;
before(async () => {
  standIn = await dockerStandIn();
});
after(async () => {
  await standIn?.dispose();
});

/** The pid of the stand-in's build whose argv holds `marker`, once it has started. */
async function buildPid(marker: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const line = (await standIn.recorded("builds"))?.split("\n").find((l) => l.includes(marker));
    if (line) return Number(line.split(" ")[0]);
    await sleep(25);
  }
  throw new Error("the stand-in never started building");
}

const docker = () => dockerAt(standIn.docker, process.env);

describe("docker through @actions/exec", () => {
  it("docker login: the password goes to stdin only, never to docker's argv or any process's", async () => {
    const password = `pw-${process.pid}-on-stdin-only`;
    const home = join(standIn.dir, "home");
    await mkdir(join(standIn.dir, "temp"));
    await mkdir(home);
    const result = await dockerLogin(
      dockerAt(standIn.docker, { ...process.env, HOME: home }),
      { registry: "registry.example", username: "ns/ci-user", password },
      { dockerConfigDir: join(home, ".docker"), tempDir: join(standIn.dir, "temp"), homeDir: home },
    );
    assert.equal(result.ok, true);
    assert.equal(await standIn.recorded("login-stdin"), password);
    assert.deepEqual((await standIn.recorded("login-argv"))?.trim().split("\n"), [
      "login",
      "registry.example",
      "--username",
      "ns/ci-user",
      "--password-stdin",
    ]);
    const cmdlines = (await standIn.recorded("cmdlines")) ?? "";
    assert.match(
      cmdlines,
      /registry\.example --username ns\/ci-user --password-stdin/,
      "the scan saw docker",
    );
    assert.ok(!cmdlines.includes(password), "the password is on a command line");
  });

  it("the step's deadline kills a running docker build, and the run says what it stopped", async () => {
    const deadline = new AbortController();
    const running = docker().run(["build", ".", "-alone"], { signal: deadline.signal });
    const pid = await buildPid("-alone");
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
    const [first, second] = [new AbortController(), new AbortController()];
    const one = docker().run(["build", ".", "-one"], { signal: first.signal });
    const two = docker().run(["build", ".", "-two"], { signal: second.signal });
    const [pidOne, pidTwo] = [await buildPid("-one"), await buildPid("-two")];
    second.abort(new Error("deadline reached"));
    await assert.rejects(two, WaitInterrupted);
    assert.equal(alive(pidTwo), false);
    assert.equal(alive(pidOne), true, "the other run's docker was killed");
    first.abort(new Error("deadline reached"));
    await assert.rejects(one, WaitInterrupted);
    assert.equal(alive(pidOne), false);
  });

  it("a deadline already past starts no docker at all", async () => {
    await assert.rejects(
      docker().run(["build", ".", "-past"], { signal: AbortSignal.abort() }),
      WaitInterrupted,
    );
    await sleep(300);
    assert.ok(!(await standIn.recorded("builds"))?.includes("-past"), "a docker build started");
  });

  it("output reaches the log while docker runs, the last unterminated line too; code and streams come back whole", async () => {
    const lines: string[] = [];
    const result = await docker().run(["push", "registry.example/ns/hello:1"], {
      onLine: (line) => {
        lines.push(line);
        if (line.startsWith("The push refers to")) void writeFile(join(standIn.dir, "go"), "");
      },
    });
    const digestLine = `1: digest: sha256:${"0".repeat(64)} size: 528`;
    assert.equal(result.code, 3, "the stand-in waited for the first line in vain: output was held back");
    assert.equal(result.stdout, `The push refers to repository [registry.example/ns/hello]\n${digestLine}`);
    assert.equal(result.stderr, "pushing layers\n");
    assert.deepEqual(lines.sort(), [
      digestLine,
      "The push refers to repository [registry.example/ns/hello]",
      "pushing layers",
    ]);
  });
});
