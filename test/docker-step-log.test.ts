// docker's output in the step's log, as a workflow and a CLI user see it: the built actions run by the
// runner harness and the built CLI as a child process, against the emulators, the real Docker engine and
// registry. fn-deploy's build and push stream inside their own log group; in the root action, whose
// stages are groups already, nothing opens a group inside another (GitHub's groups do not nest); the
// CLI's stdout stays exactly the --json document while docker builds. With a stand-in docker: the OCIR
// auth token reaches docker login on stdin and no process's argv, and the step's deadline kills a
// docker build that would run on.
import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  APPLICATION,
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { Job, parseCommandLine, type StepResult } from "./runner/index.ts";
import { cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";

/** A line docker build itself prints: the legacy builder's first step, or BuildKit's first vertex. */
const BUILD_OUTPUT = /^(Step 1\/2 : FROM scratch|#\d+ \[internal\] load build definition)/;
const PUSH_OUTPUT = /^The push refers to repository \[/;
const STAGES = [
  "fn-context",
  "preflight",
  "ocir-login",
  "fn-deploy",
  "gateway-deploy",
  "entra-token",
  "smoke-test",
];

const SECRET_INPUTS = ["private-key", "auth-token", "client-secret", "client-certificate-key"];

let fx: PipelineFixture;
before(async () => {
  fx = await startPipelineFixture("step-log");
});
after(async () => {
  await fx?.close();
});

interface Section {
  /** The ::group:: title; undefined for lines outside any group. */
  title: string | undefined;
  lines: string[];
}

/**
 * The step's log split into its group sections, as the runner folds it, and whether a ::group:: came
 * while another was open (the runner would close both at the inner ::endgroup::).
 */
function foldedLog(stdout: string): { sections: Section[]; nested: string[] } {
  const sections: Section[] = [{ title: undefined, lines: [] }];
  const nested: string[] = [];
  let open = false;
  for (const line of stdout.split("\n")) {
    const command = parseCommandLine(line);
    if (command?.name === "group") {
      if (open) nested.push(command.data);
      open = true;
      sections.push({ title: command.data, lines: [] });
    } else if (command?.name === "endgroup") {
      open = false;
      sections.push({ title: undefined, lines: [] });
    } else if (!command) {
      sections.at(-1)?.lines.push(line);
    }
  }
  return { sections, nested };
}

function section(run: StepResult, title: string): string[] {
  const found = foldedLog(run.stdout).sections.filter((s) => s.title === title);
  assert.equal(found.length, 1, `one group ${title} in:\n${run.stdout}`);
  return found[0]?.lines ?? [];
}

function loginInputs(): Record<string, string> {
  return {
    region: "ap-tokyo-1",
    namespace: fx.oci.namespace,
    username: "ci-user",
    "auth-token": fx.authToken,
    registry: fx.registry?.host ?? "",
  };
}

describe("docker's output in the step's log", () => {
  it("fn-deploy: build and push stream inside their own group, as do the ACTIVE wait and the test invoke", async (t) => {
    if (!(await pipelineComponents(t))) return;
    const job = await fx.job();
    try {
      assert.equal((await job.run("fn-context", { inputs: fx.oci.inputs() })).exitCode, 0);
      assert.equal((await job.run("ocir-login", { inputs: loginInputs() })).exitCode, 0);
      const run = await job.run("fn-deploy", {
        inputs: {
          application: APPLICATION,
          "compartment-ocid": fx.oci.tenancyId,
          function: "grouped",
          path: ".",
          registry: `${fx.registry?.host}/${fx.oci.namespace}`,
          invoke: "{}",
        },
      });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      const image = run.outputs.image ?? "";
      const built = section(run, `docker build and push ${image}`);
      assert.ok(
        built.some((line) => BUILD_OUTPUT.test(line)),
        built.join("\n"),
      );
      assert.ok(
        built.some((line) => PUSH_OUTPUT.test(line)),
        built.join("\n"),
      );
      assert.ok(
        built.some((line) => line.includes(`digest: ${run.outputs.digest}`)),
        built.join("\n"),
      );
      assert.deepEqual(section(run, "Waiting for function grouped to become ACTIVE"), [
        "Function grouped is ACTIVE.",
      ]);
      assert.match(section(run, "Test invoke of function grouped").join("\n"), /^Test invoke answered: /);
      const outside = foldedLog(run.stdout)
        .sections.filter((s) => s.title === undefined)
        .flatMap((s) => s.lines);
      assert.ok(!outside.some((line) => BUILD_OUTPUT.test(line) || PUSH_OUTPUT.test(line)));
      assert.ok(outside.includes(`Pushed ${image} (${run.outputs.digest}).`), "the result stays visible");
      assert.deepEqual(foldedLog(run.stdout).nested, []);
      assert.ok((await job.runPosts()).every((post) => post.exitCode === 0));
    } finally {
      await job.dispose();
    }
  });

  it("the root action: one group per stage and none inside; the build and the gateway wait are lines in their stage", async (t) => {
    if (!(await pipelineComponents(t))) return;
    const job = await fx.job();
    try {
      const run = await job.run(PIPELINE, {
        inputs: fx.inputs("secret", "nested", { skip: "entra-token,smoke-test" }),
      });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      const { nested } = foldedLog(run.stdout);
      assert.deepEqual(nested, [], "a group was opened inside a stage's group");
      assert.deepEqual(
        run.groups.filter((title) => !STAGES.includes(title)),
        [],
        "only stages are groups",
      );
      const deploy = section(run, "fn-deploy");
      assert.ok(deploy.includes(`── docker build and push ${run.outputs.image}`), deploy.join("\n"));
      assert.ok(
        deploy.some((line) => BUILD_OUTPUT.test(line)),
        deploy.join("\n"),
      );
      assert.ok(
        deploy.some((line) => PUSH_OUTPUT.test(line)),
        deploy.join("\n"),
      );
      assert.ok(deploy.includes("── Waiting for function nested to become ACTIVE"), deploy.join("\n"));
      const gateway = section(run, "gateway-deploy");
      assert.ok(gateway.includes("── Waiting for deployment nested to become ACTIVE"), gateway.join("\n"));
      assert.ok((await job.runPosts()).every((post) => post.exitCode === 0));
    } finally {
      await job.dispose();
    }
  });

  it("the CLI with --json: docker's output and the section headers on stderr, stdout exactly the JSON document", async (t) => {
    if (!(await pipelineComponents(t))) return;
    const sandbox = await cliSandbox(
      { ...fx.oci.env, FNGATE_GIT_SHA: "0123456789abcdef" },
      { cwd: fx.functionDir },
    );
    try {
      // Secrets through FNGATE_* variables, as the CLI takes them; everything else as flags.
      const inputs = Object.entries(fx.inputs("secret", "clilog"));
      const isSecret = ([name]: [string, string]) => SECRET_INPUTS.includes(name);
      const run = await sandbox.run(
        [
          "pipeline",
          ...flagsOf(Object.fromEntries(inputs.filter((entry) => !isSecret(entry)))),
          ...["--skip", "gateway-deploy,entra-token,smoke-test", "--json"],
        ],
        envOf(Object.fromEntries(inputs.filter(isSecret))),
      );
      assert.equal(run.exitCode, 0, run.stderr);
      const result = JSON.parse(run.stdout) as { ok: boolean; outputs: Record<string, string> };
      assert.equal(result.ok, true);
      assert.equal(
        run.stdout,
        `${JSON.stringify(result)}\n`,
        "stdout holds the JSON document and nothing else",
      );
      const stderr = run.stderr.split("\n").map((line) => line.replace(/^\[pipeline\] /, ""));
      const header = stderr.indexOf(`── docker build and push ${result.outputs.image}`);
      assert.ok(header > 0, run.stderr);
      const after = stderr.slice(header);
      assert.ok(
        after.some((line) => BUILD_OUTPUT.test(line)),
        run.stderr,
      );
      assert.ok(
        after.some((line) => PUSH_OUTPUT.test(line)),
        run.stderr,
      );
      assert.ok(!run.stderr.includes("::"), "no workflow command in the CLI's output");
      await sandbox.run(["cleanup"]);
    } finally {
      await sandbox.dispose();
    }
  });
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
      const run = await job.run("ocir-login", { inputs: { ...loginInputs(), registry: "127.0.0.1:5997" } });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      assert.equal(await readFile(join(docker.dir, "login-stdin"), "utf8"), fx.authToken);
      const argv = await readFile(join(docker.dir, "login-argv"), "utf8");
      assert.match(argv, /^login\n127\.0\.0\.1:5997\n--username\n\S+\/ci-user\n--password-stdin\n$/);
      const cmdlines = await readFile(join(docker.dir, "cmdlines"), "utf8");
      assert.match(cmdlines, /--password-stdin/, "the scan saw docker login");
      assert.ok(!cmdlines.includes(fx.authToken), "the auth token is on a command line");
      assert.ok((await job.runPosts()).every((post) => post.exitCode === 0));
    } finally {
      await job.dispose();
      await docker.dispose();
    }
  });

  it("fn-deploy: the deadline stops a docker build that would run on; its output so far is in the build's group", async () => {
    const docker = await recordingDocker();
    const job = await Job.create({ env: { ...fx.oci.env, PATH: docker.path }, checkout: fx.functionDir });
    try {
      assert.equal((await job.run("fn-context", { inputs: fx.oci.inputs() })).exitCode, 0);
      const started = Date.now();
      const run = await job.run("fn-deploy", {
        inputs: {
          application: APPLICATION,
          "compartment-ocid": fx.oci.tenancyId,
          function: "stuck-build",
          path: ".",
          registry: `127.0.0.1:5997/${fx.oci.namespace}`,
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
