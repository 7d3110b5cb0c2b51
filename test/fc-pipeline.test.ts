// The Function Compute pipeline as one step and as one command: fc-deploy (with its JWT HTTP trigger),
// entra-token and smoke-test from src/steps/fc-pipeline.ts, against the Alibaba and Entra emulators.
// The action and `fngate fc-pipeline` give the same outputs for the same inputs (each declared in its
// action.yml); the trigger trusts the Entra tenant's keys unless told otherwise; each stage's lines stay
// inside its own log group; the summary shows each stage's start, end and wait; a failing token stage
// stops the deploy beside it.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { StartedAlibabaFixture } from "./emulators/alibaba/fixture.ts";
import { assertUserFailure, Job } from "./runner/index.ts";
import { cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
import { comparableOutputs } from "./support/comparable-outputs.ts";
import { type FcEntraWorld, startFcEntraWorld } from "./support/fc-entra-world.ts";
import { httpsGet } from "./support/https-get.ts";
import { passed } from "./support/passed.ts";
import {
  assertStagesOwnLines,
  assertTokenWhileDeploying,
  commandLines,
  declaredOutputs,
} from "./support/pipeline-stages.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

const ACTION = "fc-pipeline";
let world: FcEntraWorld;
let fx: StartedAlibabaFixture;
let checkout: string;
let tenantId: string;
let clientSecret: string;

// The example function (examples/alibaba-fc/jwt-claims) checks the aud and tid the trigger forwards; this
// one does not, so any token Entra signed gets an answer.
const NAIVE_HANDLER = `export const handler = async () => ({ statusCode: 200, body: "Hello from FC" });
`;

before(async () => {
  world = await startFcEntraWorld("fc-pipeline", { naive: NAIVE_HANDLER });
  ({ fx, checkout, tenantId, secret: clientSecret } = world);
});
after(async () => {
  await world?.close();
});

function inputs(name: string, overrides: Record<string, string> = {}) {
  return { open: world.open(name, overrides), secret: world.secrets() };
}

function job(): Promise<Job> {
  return Job.create({ env: fx.env, checkout });
}

it("the action and `fngate fc-pipeline` give the same outputs for the same inputs; on the command line each alongside stage's lines carry its name", async () => {
  await using action = await job();
  await using sandbox = await cliSandbox(fx.env, { cwd: checkout });
  const { open, secret } = inputs("parity-fn");
  const first = passed(await action.run(ACTION, { inputs: { ...open, ...secret } }));
  assert.equal(first.outputs.changed, "true");
  assert.equal(first.outputs.passed, "true");
  // The function refused Resource Manager's token, which the trigger let through.
  const refused = (JSON.parse(first.outputs.results ?? "[]") as { check: string; passed: boolean }[]).find(
    (check) => check.check === "refused-token",
  );
  assert.deepEqual(refused && { passed: refused.passed }, { passed: true }, first.outputs.results);
  // The trigger trusts the tenant's signing keys, read from the Entra discovery endpoint.
  const trigger = fx.stack.alibaba.state.functionChildren.triggers.get("parity-fn")?.get("http");
  const authConfig = JSON.parse(String(JSON.parse(String(trigger?.triggerConfig)).authConfig));
  const keysUrl = `https://${fx.stack.entra.host}/${tenantId}/discovery/v2.0/keys`;
  const published = JSON.parse((await httpsGet(keysUrl, fx.stack.caPem)).body);
  assert.deepEqual(authConfig.JWKS, published);

  const cli = passed(await sandbox.run([ACTION, ...flagsOf(open), "--json"], envOf(secret)));
  const cliOutputs = (JSON.parse(cli.stdout) as { outputs: Record<string, string> }).outputs;
  // The CLI names the command on each line; after it, a stage running alongside names itself.
  const lines = commandLines(cli.stderr, ACTION);
  assert.ok(
    lines.some((line) => /^\[entra-token\] Got a v2 access token for /.test(line)),
    cli.stderr,
  );
  assert.ok(
    lines.some((line) => /^\[fc-deploy\] Function parity-fn is up to date: nothing changed/.test(line)),
    cli.stderr,
  );
  assert.ok(
    lines.some((line) => /^entra-token: [\d.]+ s to [\d.]+ s/.test(line)),
    cli.stderr,
  );
  assert.ok(!lines.some((line) => /^Got a v2 access token/.test(line)), cli.stderr);
  const again = passed(await action.run(ACTION, { inputs: { ...open, ...secret } }));
  assert.equal(again.outputs.changed, "false");
  assert.deepEqual(comparableOutputs(cliOutputs), comparableOutputs(again.outputs));
  assert.deepEqual(Object.keys(cliOutputs).sort(), [
    "changed",
    "function-arn",
    "passed",
    "previous-version",
    "promoted",
    "results",
    "rolled-back",
    "url",
    "version",
  ]);
  assert.deepEqual(Object.keys(cliOutputs).sort(), await declaredOutputs(ACTION));
  for (const text of [cli.stdout, cli.stderr, shownByStep(again)]) {
    assert.deepEqual(secretsFound(text, [clientSecret, fx.accessKey.secret]), []);
    assert.ok(!/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.test(text), "no JWT in any output");
  }
});

it("gets the token while the function becomes Active; each stage's lines in its own group; a timeline", async () => {
  await using action = await job();
  const { open, secret } = inputs("overlap-fn");
  fx.stack.alibaba.setActiveDelay(2000);
  try {
    const run = passed(await action.run(ACTION, { inputs: { ...open, ...secret } }));
    assertStagesOwnLines(run, {
      "fc-deploy": /^HTTP trigger http-candidate: https:\/\//,
      promote: /^HTTP trigger http: https:\/\//,
      "entra-token": /^Got a v2 access token for /,
      "smoke-test": /^ok {3}with token: answered 200/,
    });
    assertTokenWhileDeploying(run.summary, "fc-deploy", "entra-token");
    assert.match(run.summary, /fngate fc-pipeline: live and guarded/);
  } finally {
    fx.stack.alibaba.setActiveDelay(50);
  }
});

it("a refused client secret stops the deploy beside it: one error line, the function never waited for", async () => {
  await using action = await job();
  const { open } = inputs("stopped-fn");
  fx.stack.alibaba.setActiveDelay(30_000);
  try {
    const run = await action.run(ACTION, {
      inputs: {
        ...open,
        "access-key-secret": fx.accessKey.secret,
        "client-secret": "not-the-secret-0123456789",
      },
    });
    assertUserFailure(run, /client-secret/, [clientSecret, fx.accessKey.secret]);
    assert.ok(!run.stdout.includes("is Active"), run.stdout);
    assert.equal(run.outputs.url, undefined);
  } finally {
    fx.stack.alibaba.setActiveDelay(50);
  }
});

it("a function that does not check the forwarded claims fails the smoke test, which says why", async () => {
  await using action = await job();
  const { open, secret } = inputs("naive-fn", { "code-path": "naive" });
  const run = await action.run(ACTION, { inputs: { ...open, ...secret } });
  assert.equal(run.exitCode, 1, run.stdout);
  assert.equal(run.outputs.passed, "false");
  const results = JSON.parse(run.outputs.results ?? "[]") as { check: string; passed: boolean }[];
  assert.deepEqual(
    results.filter((check) => !check.passed).map((check) => check.check),
    ["refused-token"],
  );
  assert.match(
    run.stdout,
    /refused-token answered 200, expected 401 \(likely cause: the function served a token issued for https:\/\/management\.azure\.com: Function Compute checks only the token's signature and expiry, so the function must refuse a token whose forwarded aud or tid is not its own\)/,
  );
  assert.deepEqual(secretsFound(shownByStep(run), [clientSecret, fx.accessKey.secret]), []);
});
