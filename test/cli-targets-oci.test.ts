// `fngate pipeline --targets ...` on the OCI emulator stack, the real Docker engine and registry: two
// targets in one region, each with its own path prefix, deploy side by side under their own function
// and deployment names, each in a home of its own (~/.oci, ~/.fn, docker's config), and leave the
// user's HOME and TMPDIR as they were.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { ACTION_METADATA } from "../src/cli/action-metadata.ts";
import {
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
import { secretsFound } from "./support/secret-scan.ts";

let fixture: PipelineFixture;
before(async () => {
  fixture = await startPipelineFixture("cli");
});
after(async () => {
  await fixture?.close();
});

it("two targets in one region deploy side by side, each under its own names and in its own home", async (t) => {
  if (!(await pipelineComponents(t))) return;
  await using sandbox = await cliSandbox(
    { ...fixture.oci.env, FNGATE_GIT_SHA: "0123456789abcdef" },
    { cwd: fixture.functionDir },
  );
  const before = await sandbox.snapshot();
  const { region = "", ...inputs } = fixture.inputs("secret", "regfn");
  const secretNames = new Set(
    (ACTION_METADATA.pipeline?.inputs ?? []).filter((i) => i.secret).map((i) => i.name),
  );
  const open = Object.fromEntries(Object.entries(inputs).filter(([name]) => !secretNames.has(name)));
  const secret = Object.fromEntries(Object.entries(inputs).filter(([name]) => secretNames.has(name)));
  delete open["path-prefix"];
  const targets = JSON.stringify([
    { region, name: "blue", "path-prefix": "/blue" },
    { region, name: "green", "path-prefix": "/green" },
  ]);
  const run = await sandbox.run(
    ["pipeline", ...flagsOf(open), "--targets", targets, "--json"],
    envOf(secret),
  );
  assert.equal(run.exitCode, 0, run.stderr);
  const { outputs } = JSON.parse(run.stdout) as { outputs: Record<string, string> };
  for (const name of ["blue", "green"]) {
    assert.equal(outputs[`${name}.passed`], "true", name);
    assert.match(outputs[`${name}.url`] ?? "", new RegExp(`/${name}/hello$`));
    const fn = [...fixture.oci.stack.oci.state.fn.functions.values()].find(
      (f) => f.id === outputs[`${name}.function-id`],
    );
    assert.equal(fn?.displayName, `regfn-${name}`);
  }
  assert.notEqual(outputs["blue.function-id"], outputs["green.function-id"]);
  assert.match(run.stderr, /^\[pipeline\] \[blue\] ── fn-context/m);
  assert.match(run.stderr, /^\[pipeline\] \[green\] ── fn-context/m);
  assert.match(run.stderr, /^\[pipeline\] blue \(\S+\): ok https:\/\/\S+\/blue\/hello$/m);
  assert.deepEqual(await sandbox.snapshot(), before, "HOME and TMPDIR are as before the run");
  assert.deepEqual(secretsFound(await sandbox.allWrittenText(), fixture.secrets), []);
});
