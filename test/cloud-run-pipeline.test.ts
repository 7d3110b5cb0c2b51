// The Cloud Run pipeline as one step and as one command: cloud-run-deploy, gcp-id-token and smoke-test
// from src/steps/cloud-run-pipeline.ts. The action and `fngate cloud-run-pipeline` give the same
// outputs for the same inputs (each declared in its action.yml); the ID token is fetched while the
// deploy still waits for its operation; each stage's lines stay inside its own log group (prefixed
// with its name on the command line); the summary shows each stage's start, end and wait.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { parse } from "yaml";
import { type CloudRunFixture, IMAGE_V2, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
import { comparableOutputs } from "./support/comparable-outputs.ts";
import { foldedLog, section } from "./support/folded-log.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

const ACTION = "cloud-run-pipeline";
let fx: CloudRunFixture;
before(async () => {
  fx = await startCloudRunFixture();
});
after(async () => {
  await fx?.close();
});

/** Keys for both callers: the CLI has no GitHub OIDC token to federate with. */
function keyInputs(service: string, overrides: Record<string, string> = {}) {
  return {
    open: {
      project: fx.deployInputs(service).project ?? "",
      region: fx.deployInputs(service).region ?? "",
      service,
      image: fx.deployInputs(service).image ?? "",
      "expect-body": "Hello World!",
      ...overrides,
    },
    secret: { "credentials-json": fx.deployer.json, "invoker-credentials-json": fx.caller.json },
  };
}

it("the action and `fngate cloud-run-pipeline` give the same outputs for the same inputs", async () => {
  await using job = await fx.job();
  await using sandbox = await cliSandbox({
    NODE_EXTRA_CA_CERTS: fx.stack.caFile,
    FNGATE_GCP_ENDPOINT: fx.stack.gcp.url,
  });
  const { open, secret } = keyInputs("parity-fn");
  const first = await job.run(ACTION, { inputs: { ...open, ...secret } });
  assert.equal(first.exitCode, 0, first.stdout + first.stderr);
  assert.equal(first.outputs.changed, "true");
  assert.equal(first.outputs.passed, "true");
  // The smoke caller (the invoker key's account) was granted roles/run.invoker: its token got a 200.
  assert.match(first.stdout, new RegExp(`Granted roles/run.invoker to serviceAccount:${fx.caller.email}`));

  const cli = await sandbox.run([ACTION, ...flagsOf(open), "--json"], envOf(secret));
  assert.equal(cli.exitCode, 0, cli.stderr);
  const cliOutputs = (JSON.parse(cli.stdout) as { outputs: Record<string, string> }).outputs;
  const action = await job.run(ACTION, { inputs: { ...open, ...secret } });
  assert.equal(action.exitCode, 0, action.stdout);
  assert.equal(action.outputs.changed, "false");
  assert.deepEqual(comparableOutputs(cliOutputs), comparableOutputs(action.outputs));
  assert.deepEqual(Object.keys(cliOutputs).sort(), [
    "changed",
    "passed",
    "previous-revision",
    "promoted",
    "results",
    "revision",
    "rolled-back",
    "tag-url",
    "traffic",
    "url",
  ]);

  const declared = parse(
    await readFile(join(import.meta.dirname, "..", "actions", ACTION, "action.yml"), "utf8"),
  ) as { outputs: Record<string, unknown> };
  assert.deepEqual(Object.keys(cliOutputs).sort(), Object.keys(declared.outputs).sort());
  // Neither adapter shows either key, nor any JWT (the ID token).
  const keys = [fx.deployer.json, fx.caller.json];
  for (const text of [cli.stdout, cli.stderr, shownByStep(action)]) {
    assert.deepEqual(secretsFound(text, keys), []);
    assert.ok(!/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.test(text), "no JWT in any output");
  }
});

it("fetches the token while the deploy waits for its operation; each stage's lines in its own group", async () => {
  await using job = await fx.job();
  const { open, secret } = keyInputs("overlap-fn");
  const created = await job.run(ACTION, { inputs: { ...open, ...secret } });
  assert.equal(created.exitCode, 0, created.stdout);
  fx.stack.gcp.setOperationDelay(2000);
  try {
    const run = await job.run(ACTION, { inputs: { ...open, ...secret, image: IMAGE_V2 } });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs.changed, "true");
    const { sections, nested } = foldedLog(run.stdout);
    assert.deepEqual(nested, []);
    const owned: Record<string, RegExp> = {
      "cloud-run-deploy": /^Operation .* finished\.$/,
      "gcp-id-token": /^Got an ID token for https:\/\/127\.0\.0\.1:\d+\/overlap-fn-/,
      "smoke-test": /^ok {3}with token: answered 200/,
    };
    for (const [stage, line] of Object.entries(owned)) {
      assert.ok(
        section(run, stage).some((text) => line.test(text)),
        `${stage}: ${line}\n${run.stdout}`,
      );
      for (const other of sections.filter((s) => s.title !== stage)) {
        assert.ok(!other.lines.some((text) => line.test(text)), `${line} only in ${stage}`);
      }
    }
    // The timeline: the token stage started and ended before the deploy ended (its operation took 2 s).
    const rows = timelineRows(run.summary);
    const deploy = rows.get("cloud-run-deploy");
    const token = rows.get("gcp-id-token");
    assert.ok(deploy && token, run.summary);
    assert.ok(token.ended < deploy.ended - 1, `token ${token.ended} s, deploy ${deploy.ended} s`);
    assert.ok((rows.get("smoke-test")?.started ?? 0) >= deploy.ended);
    assert.match(run.summary, /fngate cloud-run-pipeline: live and guarded/);
  } finally {
    fx.stack.gcp.setOperationDelay(50);
  }
});

it("on the command line, each alongside stage's lines carry its name", async () => {
  await using sandbox = await cliSandbox({
    NODE_EXTRA_CA_CERTS: fx.stack.caFile,
    FNGATE_GCP_ENDPOINT: fx.stack.gcp.url,
  });
  const { open, secret } = keyInputs("cli-fn");
  const cli = await sandbox.run([ACTION, ...flagsOf(open)], envOf(secret));
  assert.equal(cli.exitCode, 0, cli.stderr);
  // The CLI names the command on each line; after it, a stage running alongside names itself.
  const lines = cli.stderr.split("\n").map((line) => line.replace(/^\[cloud-run-pipeline\] /, ""));
  assert.ok(
    lines.some((line) => /^\[gcp-id-token\] Got an ID token for /.test(line)),
    cli.stderr,
  );
  assert.ok(
    lines.some((line) => /^\[cloud-run-deploy\] Creating service /.test(line)),
    cli.stderr,
  );
  assert.ok(
    lines.some((line) => /^gcp-id-token: [\d.]+ s to [\d.]+ s/.test(line)),
    cli.stderr,
  );
  // Unprefixed stage lines would be ones that escaped their stage.
  assert.ok(!lines.some((line) => /^Got an ID token/.test(line)), cli.stderr);
});

/** The summary's timeline table: each stage's start and end, in seconds from the first start. */
function timelineRows(summary: string): Map<string, { started: number; ended: number }> {
  const table = summary.slice(summary.indexOf("timeline"));
  const rows = new Map<string, { started: number; ended: number }>();
  for (const match of table.matchAll(/<tr><td>([\w-]+)<\/td><td>([\d.]+) s<\/td><td>([\d.]+) s<\/td>/g)) {
    rows.set(match[1] ?? "", { started: Number(match[2]), ended: Number(match[3]) });
  }
  return rows;
}
