// The Cloud Run pipeline as one step and as one command: cloud-run-deploy, gcp-id-token and smoke-test
// from src/steps/cloud-run-pipeline.ts. The action and `fngate cloud-run-pipeline` give the same
// outputs for the same inputs (each declared in its action.yml); the ID token is fetched while the
// deploy still waits for its operation; each stage's lines stay inside its own log group (prefixed
// with its name on the command line); the summary shows each stage's start, end and wait.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { type CloudRunFixture, IMAGE_V2, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
import { comparableOutputs } from "./support/comparable-outputs.ts";
import { passed } from "./support/passed.ts";
import {
  assertStagesOwnLines,
  assertTokenWhileDeploying,
  commandLines,
  declaredOutputs,
} from "./support/pipeline-stages.ts";
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

it("the action and `fngate cloud-run-pipeline` give the same outputs for the same inputs; on the command line each alongside stage's lines carry its name", async () => {
  await using job = await fx.job();
  await using sandbox = await cliSandbox({
    NODE_EXTRA_CA_CERTS: fx.stack.caFile,
    FNGATE_GCP_ENDPOINT: fx.stack.gcp.url,
  });
  const { open, secret } = keyInputs("parity-fn");
  const first = passed(await job.run(ACTION, { inputs: { ...open, ...secret } }));
  assert.equal(first.outputs.changed, "true");
  assert.equal(first.outputs.passed, "true");
  // The smoke caller (the invoker key's account) was granted roles/run.invoker: its token got a 200.
  assert.match(first.stdout, new RegExp(`Granted roles/run.invoker to serviceAccount:${fx.caller.email}`));

  const cli = passed(await sandbox.run([ACTION, ...flagsOf(open), "--json"], envOf(secret)));
  const cliOutputs = (JSON.parse(cli.stdout) as { outputs: Record<string, string> }).outputs;
  // The CLI names the command on each line; after it, a stage running alongside names itself.
  const lines = commandLines(cli.stderr, ACTION);
  assert.ok(
    lines.some((line) => /^\[gcp-id-token\] Got an ID token for /.test(line)),
    cli.stderr,
  );
  assert.ok(
    lines.some((line) => /^\[cloud-run-deploy\] Service \S+ already has this image and settings/.test(line)),
    cli.stderr,
  );
  assert.ok(
    lines.some((line) => /^gcp-id-token: [\d.]+ s to [\d.]+ s/.test(line)),
    cli.stderr,
  );
  // Unprefixed stage lines would be ones that escaped their stage.
  assert.ok(!lines.some((line) => /^Got an ID token/.test(line)), cli.stderr);
  const action = passed(await job.run(ACTION, { inputs: { ...open, ...secret } }));
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

  assert.deepEqual(Object.keys(cliOutputs).sort(), await declaredOutputs(ACTION));
  // Neither adapter shows either key, nor any JWT (the ID token).
  const keys = [fx.deployer.json, fx.caller.json];
  for (const text of [cli.stdout, cli.stderr, shownByStep(action)]) {
    assert.deepEqual(secretsFound(text, keys), []);
    assert.ok(!/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.test(text), "no JWT in any output");
  }
});

it("fetches the token while the deploy waits for its operation; each stage's lines in its own group", async () => {
  await using job = await fx.job();
  // The service the test above made: the token stage runs beside a deploy that updates one.
  const { open, secret } = keyInputs("parity-fn");
  fx.stack.gcp.setOperationDelay(2000);
  try {
    const run = passed(await job.run(ACTION, { inputs: { ...open, ...secret, image: IMAGE_V2 } }));
    assert.equal(run.outputs.changed, "true");
    assertStagesOwnLines(run, {
      "cloud-run-deploy": /^Operation .* finished\.$/,
      "gcp-id-token": /^Got an ID token for https:\/\/127\.0\.0\.1:\d+\/parity-fn-/,
      "smoke-test": /^ok {3}with token: answered 200/,
    });
    // The token stage started and ended before the deploy ended (its operation took 2 s).
    assertTokenWhileDeploying(run.summary, "cloud-run-deploy", "gcp-id-token");
    assert.match(run.summary, /fngate cloud-run-pipeline: live and guarded/);
  } finally {
    fx.stack.gcp.setOperationDelay(50);
  }
});
