// The docker CLI runs through @actions/exec (src/docker/run-tool.ts) and keeps what the hand-written
// spawn guaranteed, shown with a stand-in docker (a shell script, called by its path): the step's
// deadline kills a docker that would run on (its own run's only, when several run at once); output
// reaches the caller's log while docker still runs (a buffering runner would never let the stand-in
// finish), the last line too, and the exit code and both streams come back whole. The same stand-in
// shows a login's secret on stdin and on no process's argv, and a deadline stopping fn-deploy's build,
// through the built actions (ocir-login-cleanup.test.ts).
// And which builder `docker build` runs, asked of the docker CLI itself (`docker build --help`), and the
// flags that keep BuildKit's push one image manifest. Without buildx (Debian's docker.io has no
// package for it) the real CLI runs the legacy builder; with DOCKER_BUILDKIT=1 a CLI 23+ refuses to
// build (one clear line) while Debian's 20.10 CLI uses its built-in BuildKit client, which has no
// attestation options. A buildx help text (as buildx prints it) turns the flags on. The end-to-end
// path through a buildx plugin is in fn-deploy-shape.test.ts.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { WaitInterrupted } from "../src/deadline.ts";
import { attestationFlags, builderFromHelp } from "../src/docker/attestation-flags.ts";
import { dockerAt } from "../src/docker/docker-cli.ts";
import { isLoopbackRegistry } from "../src/docker/registry-session.ts";
import { isUserError } from "../src/errors.ts";
import { processAlive as alive, type DockerStandIn, dockerStandIn } from "./support/docker-stand-in.ts";
import { dockerEngineRunning, requireComponent } from "./support/real-components.ts";

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
  it("two builds at once: each deadline kills its own docker only", async () => {
    const [first, second] = [new AbortController(), new AbortController()];
    const one = docker().run(["build", ".", "-one"], { signal: first.signal });
    const two = docker().run(["build", ".", "-two"], { signal: second.signal });
    const [pidOne, pidTwo] = [await buildPid("-one"), await buildPid("-two")];
    second.abort(new Error("deadline reached"));
    await assert.rejects(
      two,
      (error: unknown) => error instanceof WaitInterrupted && error.activity === "running docker build",
    );
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

const run = promisify(execFile);

// The option lines buildx v0.10+ prints for `docker buildx build --help` (abridged).
const BUILDX_HELP = `
Usage:  docker buildx build [OPTIONS] PATH | URL | -

Start a build

Options:
      --platform stringArray          Set target platform for build
      --provenance string             Shorthand for "--attest=type=provenance"
      --push                          Shorthand for "--output=type=registry"
      --sbom string                   Shorthand for "--attest=type=sbom"
  -t, --tag stringArray               Name and optionally a tag (format: "name:tag")
`;

async function buildxInstalled(): Promise<boolean> {
  return run("docker", ["buildx", "version"]).then(
    () => true,
    () => false,
  );
}

describe("docker build's builder", () => {
  it("decides from the help text: buildx with --provenance/--sbom gets both off; older buildx and the legacy builder none", () => {
    assert.deepEqual(builderFromHelp(BUILDX_HELP), {
      builder: "buildx",
      flags: ["--provenance=false", "--sbom=false"],
    });
    const oldBuildx = BUILDX_HELP.replace(/^.*--(provenance|sbom) .*$/gm, "");
    assert.deepEqual(builderFromHelp(oldBuildx), { builder: "buildx", flags: [] });
    assert.deepEqual(
      builderFromHelp(
        "Usage:  docker build [OPTIONS] PATH | URL | -\n      --platform string   Set platform\n",
      ),
      { builder: "legacy", flags: [] },
    );
  });

  it("the real docker CLI here: no attestation flags without buildx; DOCKER_BUILDKIT=1 is one clear line or no flags", async (t) => {
    if (!(await requireComponent(t, "the Docker engine", dockerEngineRunning))) return;
    const { DOCKER_BUILDKIT: _ignored, ...env } = process.env;
    const docker = dockerAt("docker", env);
    if (await buildxInstalled()) {
      assert.equal((await attestationFlags(docker)).builder, "buildx");
      t.diagnostic("buildx is installed here: the legacy and DOCKER_BUILDKIT=1 cases cannot be shown");
      return;
    }
    assert.deepEqual(await attestationFlags(docker), { builder: "legacy", flags: [] });
    const buildkit = dockerAt("docker", { ...env, DOCKER_BUILDKIT: "1" });
    const help = await buildkit.run(["build", "--help"]);
    if (help.code === 0) {
      // A CLI before 23 builds with its own BuildKit client: no attestations, nothing to turn off.
      assert.deepEqual(await attestationFlags(buildkit), { builder: "legacy", flags: [] });
      return;
    }
    await assert.rejects(
      attestationFlags(buildkit),
      (error: unknown) =>
        isUserError(error) &&
        /^docker build cannot run here \(ERROR: BuildKit is enabled but the buildx component is missing or broken\.\): install the docker buildx plugin, or unset DOCKER_BUILDKIT/.test(
          error.message,
        ),
    );
  });
});

describe("the registry's scheme", () => {
  it("plain HTTP only for a loopback registry (as dockerd's default insecure registries); HTTPS for every other", () => {
    const loopback = ["127.0.0.1:5000/ns/fn@sha256:x", "localhost:5000/fn", "[::1]:5000/fn", "127.9.9.9/fn"];
    const remote = [
      "ocir.ap-tokyo-1.oci.oraclecloud.com/ns/fn",
      "127.0.0.1.nip.io/fn",
      "10.0.0.1:5000/fn",
      "localhost.example.com/fn",
    ];
    for (const image of [...loopback, ...remote]) {
      assert.equal(isLoopbackRegistry(image), loopback.includes(image), image);
    }
  });
});
