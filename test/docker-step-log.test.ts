// docker's output in the step's log, as a workflow and a CLI user see it: the built actions run by the
// runner harness and the built CLI as a child process, against the emulators, the real Docker engine and
// registry. fn-deploy's build and push stream inside their own log group; in the root action, whose
// stages are groups already, nothing opens a group inside another (GitHub's groups do not nest); the
// CLI's stdout stays exactly the --json document while docker builds.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  APPLICATION,
  PIPELINE,
  type PipelineFixture,
  pipelineCliArgs,
  pipelineComponents,
  STAGES,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { cliSandbox } from "./support/cli-process.ts";
import { foldedLog, section } from "./support/folded-log.ts";

/** A line docker build itself prints: the legacy builder's first step (of 3 with fngate's context label), or BuildKit's first vertex. */
const BUILD_OUTPUT = /^(Step 1\/\d+ : FROM scratch|#\d+ \[internal\] load build definition)/;
const PUSH_OUTPUT = /^The push refers to repository \[/;

/** Some line of `lines` matches `pattern` (all lines shown when none does). */
function assertSomeLine(lines: string[], pattern: RegExp, shown = lines.join("\n")): void {
  assert.ok(
    lines.some((line) => pattern.test(line)),
    `${pattern} in:\n${shown}`,
  );
}

let fx: PipelineFixture;
before(async () => {
  fx = await startPipelineFixture("step-log");
});
after(async () => {
  await fx?.close();
});

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
    await using job = await fx.job();
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
    assertSomeLine(built, BUILD_OUTPUT);
    assertSomeLine(built, PUSH_OUTPUT);
    assertSomeLine(built, new RegExp(`digest: ${run.outputs.digest}`));
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
  });

  it("the root action: one group per stage and none inside; the build and the gateway wait are lines in their stage", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
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
    // The build runs beside preflight in fn-image's group; fn-deploy pushes what it built.
    const image = section(run, "fn-image");
    assert.ok(image.includes(`── docker build ${run.outputs.image}`), image.join("\n"));
    assertSomeLine(image, BUILD_OUTPUT);
    const deploy = section(run, "fn-deploy");
    assert.ok(deploy.includes(`── docker push ${run.outputs.image}`), deploy.join("\n"));
    assertSomeLine(deploy, PUSH_OUTPUT);
    assert.ok(deploy.includes("── Waiting for function nested to become ACTIVE"), deploy.join("\n"));
    const gateway = section(run, "gateway-deploy");
    assert.ok(gateway.includes("── Waiting for deployment nested to become ACTIVE"), gateway.join("\n"));
    assert.ok((await job.runPosts()).every((post) => post.exitCode === 0));
  });

  it("the CLI with --json: docker's output and the section headers on stderr, stdout exactly the JSON document", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using sandbox = await cliSandbox(
      { ...fx.oci.env, FNGATE_GIT_SHA: "0123456789abcdef" },
      { cwd: fx.functionDir },
    );
    // Secrets through FNGATE_* variables, as the CLI takes them; everything else as flags.
    const { flags, env } = pipelineCliArgs(fx.inputs("secret", "clilog"));
    const skip = ["--skip", "gateway-deploy,entra-token,smoke-test", "--json"];
    const run = await sandbox.run(["pipeline", ...flags, ...skip], env);
    assert.equal(run.exitCode, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { ok: boolean; outputs: Record<string, string> };
    assert.equal(result.ok, true);
    assert.equal(
      run.stdout,
      `${JSON.stringify(result)}\n`,
      "stdout holds the JSON document and nothing else",
    );
    // Stages that run side by side name themselves on each line: [pipeline] [fn-deploy] ...
    const stderr = run.stderr.split("\n").map((line) => line.replace(/^\[pipeline\] (\[[a-z-]+\] )?/, ""));
    // The build (fn-image, beside preflight) comes before the push (fn-deploy).
    const header = stderr.indexOf(`── docker build ${result.outputs.image}`);
    assert.ok(header > 0, run.stderr);
    const after = stderr.slice(header);
    assertSomeLine(after, BUILD_OUTPUT, run.stderr);
    assertSomeLine(after, PUSH_OUTPUT, run.stderr);
    assert.ok(!run.stderr.includes("::"), "no workflow command in the CLI's output");
    await sandbox.run(["cleanup"]);
  });
});
