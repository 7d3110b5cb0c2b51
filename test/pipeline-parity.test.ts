// One pipeline, two adapters: the root action (through the runner harness) and `fngate pipeline` (the
// built CLI) run src/steps/pipeline.ts and must give the same outputs for the same inputs, every one of
// them declared in the root action.yml.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { parse } from "yaml";
import { ACTION_METADATA } from "../src/cli/action-metadata.ts";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
import { comparableOutputs } from "./support/comparable-outputs.ts";

let fixture: PipelineFixture;

before(async () => {
  fixture = await startPipelineFixture("parity");
});
after(async () => {
  await fixture?.close();
});

it("the root action and `fngate pipeline` give the same outputs for the same inputs", async (t) => {
  if (!(await pipelineComponents(t))) return;
  const inputs = fixture.inputs("secret", "parity");
  const job = await fixture.job();
  const sandbox = await cliSandbox(
    { ...fixture.oci.env, FNGATE_GIT_SHA: "0123456789abcdef0123456789abcdef01234567" },
    { cwd: fixture.functionDir },
  );
  try {
    // The first run creates the function and the deployment; the two compared runs then change nothing.
    const first = await job.run(PIPELINE, { inputs });
    assert.equal(first.exitCode, 0, first.stdout);
    assert.equal(first.outputs.changed, "true");

    const secretNames = new Set(
      (ACTION_METADATA.pipeline?.inputs ?? []).filter((input) => input.secret).map((input) => input.name),
    );
    const secret = Object.fromEntries(Object.entries(inputs).filter(([name]) => secretNames.has(name)));
    const open = Object.fromEntries(Object.entries(inputs).filter(([name]) => !secretNames.has(name)));
    const cli = await sandbox.run(["pipeline", ...flagsOf(open), "--json"], envOf(secret));
    assert.equal(cli.exitCode, 0, cli.stderr);
    const cliOutputs = (JSON.parse(cli.stdout) as { outputs: Record<string, string> }).outputs;

    const action = await job.run(PIPELINE, { inputs });
    assert.equal(action.exitCode, 0, action.stdout);
    assert.equal(action.outputs.changed, "false");
    assert.deepEqual(comparableOutputs(cliOutputs), comparableOutputs(action.outputs));

    const declared = parse(await readFile(join(import.meta.dirname, "..", "action.yml"), "utf8")) as {
      outputs: Record<string, unknown>;
    };
    const undeclared = Object.keys(cliOutputs).filter((name) => !(name in declared.outputs));
    assert.deepEqual(undeclared, [], "every output either adapter gives is declared in action.yml");
  } finally {
    await job.runPosts();
    await job.dispose();
    await sandbox.dispose();
  }
});
