// A failing step's last words are its failure line. After 64 KB of output (the ::add-mask:: lines of a
// huge pasted key, a long docker build log) process.exit() used to drop whatever the pipe had not taken
// yet, that line included: exit 1 and no message. Through the runner harness and the built CLI, with a
// reader that keeps up and one that is slow.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { assertCliFailure, assertUserFailure, runAction } from "./runner/index.ts";
import { CLI_ENTRY, cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
import { type FnDeployFixture, startFnDeployFixture } from "./support/fn-deploy-fixture.ts";
import { pemArmor } from "./support/keys.ts";
import type { OciFixture } from "./support/oci-fixture.ts";

/** 120 KB of base64 in PEM armor: it repairs as PEM text, every line is masked, none of it is a key. */
function hugeHostileKey(): string {
  const body = randomBytes(90 * 1024).toString("base64");
  const lines = body.match(/.{1,64}/g) ?? [];
  return pemArmor("PRIVATE KEY", lines.join("\n"));
}

const KEY_REFUSED = /^private-key could not be read as a private key/;

describe("the failure line survives a large output", () => {
  for (const readerPauseMs of [undefined, 150]) {
    const reader = readerPauseMs === undefined ? "a reader that keeps up" : "a slow reader";
    it(`fn-context with a 120 KB private-key, ${reader}: exit 1 and the one ::error:: line`, async () => {
      const key = hugeHostileKey();
      assert.ok(key.length > 120_000);
      const run = await runAction("fn-context", {
        inputs: {
          "private-key": key,
          "user-ocid": "ocid1.user.oc1..aaaaaaaa",
          "tenancy-ocid": "ocid1.tenancy.oc1..aaaaaaaa",
          region: "ap-tokyo-1",
        },
        ...(readerPauseMs === undefined ? {} : { readerPauseMs }),
      });
      assert.ok(
        run.main.stdout.length > 100_000,
        `the output is well past a pipe's 64 KB: ${run.main.stdout.length} bytes, ${run.main.stdout.slice(-400)}`,
      );
      assertUserFailure(run.main, KEY_REFUSED, [key]);
    });
  }
});

describe("the failure line survives a long docker build log", () => {
  let fx: FnDeployFixture;
  let oci: OciFixture;
  let fakeDocker: string;
  let functionDir: string;
  before(async () => {
    fx = await startFnDeployFixture("long-log", {
      functionFiles: {
        "func.yaml": "schema_version: 20180708\nname: hello\nversion: 0.0.1\n",
        Dockerfile: "FROM scratch\n",
      },
    });
    ({ oci, functionDir } = fx);
    oci.stack.oci.state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "apps" });
    // A docker whose build prints 300 KB of progress and then fails, as a broken Dockerfile does.
    fakeDocker = await mkdtemp(join(tmpdir(), "fngate-long-log-"));
    await writeFile(
      join(fakeDocker, "docker"),
      `#!/bin/sh\nif [ "$1" = build ] && [ "$2" = --help ]; then\n  echo "Usage:  docker build [OPTIONS] PATH | URL | -"\n  exit 0\nfi\nif [ "$1" = build ]; then\n  i=0\n  while [ $i -lt 4000 ]; do\n    echo "#$i [stage] RUN make -j2 ............................................................."\n    i=$((i+1))\n  done\n  echo "ERROR: failed to solve: process did not complete successfully: exit code: 2" >&2\n  exit 1\nfi\nexit 0\n`,
    );
    await chmod(join(fakeDocker, "docker"), 0o755);
  });
  after(async () => {
    await fx?.close();
    if (fakeDocker) await rm(fakeDocker, { recursive: true, force: true });
  });

  const BUILD_FAILED =
    /^docker build of .* failed: ERROR: failed to solve: .*exit code: 2\. Fix the Dockerfile/;
  const deployInputs = () => ({
    application: "apps",
    "compartment-ocid": oci.tenancyId,
    path: ".",
    registry: `127.0.0.1:5999/${oci.namespace}`,
  });

  it("fn-deploy as an action, with a slow reader: the ::error:: line arrives", async () => {
    await using job = await fx.preparedJob({
      login: false,
      env: { PATH: `${fakeDocker}:${process.env.PATH}` },
    });
    const deploy = await job.run("fn-deploy", { inputs: deployInputs(), readerPauseMs: 150 });
    assert.ok(deploy.stdout.length > 300_000, `a long log: ${deploy.stdout.slice(0, 600)}`);
    assertUserFailure(deploy, BUILD_FAILED, [oci.key.pkcs8]);
    await job.runPosts();
  });

  it("fngate fn-deploy, with a slow reader of stderr: the error line arrives", async () => {
    await using sandbox = await cliSandbox(
      { ...oci.env, PATH: `${fakeDocker}:${process.env.PATH}` },
      { cwd: functionDir },
    );
    const { "private-key": key = "", ...open } = oci.inputs();
    const context = await sandbox.run(["fn-context", ...flagsOf(open)], envOf({ "private-key": key }));
    assert.equal(context.exitCode, 0, context.stderr);
    const env = { PATH: `${fakeDocker}:${process.env.PATH}`, HOME: sandbox.home, TMPDIR: sandbox.tmp };
    const run = await slowlyRead(
      ["fn-deploy", ...flagsOf(deployInputs())],
      { ...env, ...oci.env },
      functionDir,
    );
    assert.ok(run.stderr.length > 300_000, `a long log: ${run.stderr.length} bytes`);
    assertCliFailure({ ...run, exitCode: run.exitCode ?? -1, stdout: "" }, BUILD_FAILED, {
      secrets: [oci.key.pkcs8],
    });
    assert.equal((await sandbox.run(["cleanup"])).exitCode, 0);
  });
});

/** Runs the CLI with a reader that pauses after every chunk, as a busy log collector does. */
function slowlyRead(args: string[], env: Record<string, string>, cwd: string) {
  return new Promise<{ exitCode: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      env,
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const chunks: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      child.stderr.pause();
      setTimeout(() => child.stderr.resume(), 30);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ exitCode: code, stderr: Buffer.concat(chunks).toString("utf8") }));
  });
}
