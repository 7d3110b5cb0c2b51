// The Cloud Run and Function Compute commands of the CLI end to end, as a GitLab or Jenkins job runs
// them: the built CLI as a child process, keys from files or FNGATE_* variables (never argv), the
// result as --json on stdout, against the same emulators as the actions. With --targets, one command
// deploys to several regions at once (Cloud Run keeps services per region), each target's lines
// prefixed with its name, one summary line per target, outputs as <name>.<output>, and one failing
// target (a region Cloud Run does not serve) never stops the others; the command-line refusals read as
// one line each.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { alibabaFixture, examplesDir } from "./emulators/alibaba/fixture.ts";
import { type CloudRunFixture, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { type CliRun, cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
import { secretsFound } from "./support/secret-scan.ts";

let fx: CloudRunFixture;
const cleanups: (() => Promise<void>)[] = [];
before(async () => {
  fx = await startCloudRunFixture();
});
after(async () => {
  for (const cleanup of cleanups) await cleanup();
  await fx?.close();
});

function outputsOf(run: CliRun): Record<string, string> {
  assert.equal(run.exitCode, 0, run.stderr);
  return (JSON.parse(run.stdout) as { outputs: Record<string, string> }).outputs;
}

describe("fngate cloud-run-deploy, gcp-id-token and smoke-test", () => {
  it("deploys private with a key file, gets an ID token into a file, and proves 200 with it and 403 without", async () => {
    await using sandbox = await cliSandbox({
      NODE_EXTRA_CA_CERTS: fx.stack.caFile,
      FNGATE_GCP_ENDPOINT: fx.stack.gcp.url,
    });
    // The key files are the user's own, outside what the scan below reads.
    const keys = await mkdtemp(join(tmpdir(), "fngate-cli-keys-"));
    cleanups.push(() => rm(keys, { recursive: true, force: true }));
    const deployerKey = join(keys, "deployer.json");
    const callerKey = join(keys, "caller.json");
    const tokenFile = join(sandbox.root, "id-token");
    await writeFile(deployerKey, fx.deployer.json, { mode: 0o600 });
    await writeFile(callerKey, fx.caller.json, { mode: 0o600 });
    const inputs = fx.deployInputs("cli-hello");
    const deploy = outputsOf(
      await sandbox.run([
        "cloud-run-deploy",
        ...["--project", inputs.project ?? "", "--region", inputs.region ?? ""],
        ...["--service", "cli-hello", "--image", inputs.image ?? ""],
        ...["--invokers", `serviceAccount:${fx.caller.email}`],
        ...["--credentials-json-file", deployerKey, "--json"],
      ]),
    );
    assert.equal(deploy.changed, "true");
    assert.match(deploy.url ?? "", /^https:\/\//);

    const token = outputsOf(
      await sandbox.run([
        "gcp-id-token",
        ...["--audience", deploy.url ?? "", "--credentials-json-file", callerKey],
        ...["--token-file", tokenFile, "--json"],
      ]),
    );
    assert.equal(token["id-token"], undefined, "the CLI never prints a token");
    assert.equal(token.email, fx.caller.email);

    const smoke = await sandbox.run([
      "smoke-test",
      ...["--url", deploy.url ?? "", "--token-file", tokenFile],
      ...["--unauthorized-status", "401, 403", "--json"],
    ]);
    assert.equal(outputsOf(smoke).passed, "true");

    const secrets = [fx.deployer.json, fx.caller.json, ...fx.stack.gcp.state.tokens.keys()];
    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), secrets), []);
  });
});

const COMMAND = "cloud-run-pipeline";
/** The pipeline's flags without --region (each target brings its own), and the keys through FNGATE_*. */
function inputs(service: string) {
  const { project = "", image = "" } = fx.deployInputs(service);
  return {
    flags: flagsOf({ project, service, image, "expect-body": "Hello World!" }),
    env: envOf({ "credentials-json": fx.deployer.json, "invoker-credentials-json": fx.caller.json }),
  };
}

async function sandbox() {
  return cliSandbox({ NODE_EXTRA_CA_CERTS: fx.stack.caFile, FNGATE_GCP_ENDPOINT: fx.stack.gcp.url });
}

const result = (run: CliRun) =>
  JSON.parse(run.stdout) as { ok: boolean; outputs: Record<string, string>; error?: string };

/** stderr without the command's own prefix: what each target adds after it. */
const lines = (run: CliRun) =>
  run.stderr.split("\n").map((line) => line.replace(/^\[cloud-run-pipeline\] /, ""));

describe("fngate cloud-run-pipeline --targets", () => {
  it("deploys every target at once, prefixes each one's lines, and a failing target does not stop the others", async () => {
    await using cli = await sandbox();
    const { flags, env } = inputs("regions-fn");
    const targets = '[{"region": "asia-northeast1", "name": "tokyo"}, "us-central1", "mars=mars-central1"]';
    const run = await cli.run([COMMAND, ...flags, "--targets", targets, "--parallel", "2", "--json"], env);
    assert.equal(run.exitCode, 1, run.stderr);
    const { ok, outputs, error } = result(run);
    assert.equal(ok, false);
    assert.equal(error, "1 of 3 targets failed (mars); the others ran to the end.");
    // Both good targets are live, each in its own region, and proven by its own smoke test.
    for (const [name, region] of [
      ["tokyo", "asia-northeast1"],
      ["us-central1", "us-central1"],
    ]) {
      assert.equal(outputs[`${name}.passed`], "true", name);
      assert.match(outputs[`${name}.url`] ?? "", new RegExp(`/regions-fn-\\d+\\.${region}$`), name);
      const service = [...fx.stack.gcp.state.services.values()].find(
        (s) => s.id === "regions-fn" && s.region === region,
      );
      assert.ok(service, `a service in ${region}`);
    }
    assert.deepEqual(
      Object.keys(outputs).filter((key) => key.startsWith("mars.")),
      [],
      "no outputs for the failed target",
    );
    const log = lines(run);
    for (const name of ["tokyo", "us-central1", "mars"]) {
      assert.ok(
        log.some((line) => line.startsWith(`[${name}] `)),
        `${name}'s lines carry its name\n${run.stderr}`,
      );
    }
    assert.ok(log.some((line) => /^\[tokyo\] \[cloud-run-deploy\] Creating service /.test(line)));
    // The summary: one line per target, in the order given, after every target ended.
    const summary = log.slice(log.indexOf("── targets") + 1, log.indexOf("── targets") + 4);
    assert.equal(summary.length, 3, run.stderr);
    assert.match(summary[0] ?? "", /^tokyo \(asia-northeast1\): ok https:\/\/\S+\.asia-northeast1$/);
    assert.match(summary[1] ?? "", /^us-central1 \(us-central1\): ok https:\/\/\S+\.us-central1$/);
    assert.match(summary[2] ?? "", /^mars \(mars-central1\): FAILED: .*mars-central1/);
    assert.ok(
      run.stderr.trimEnd().endsWith("error: 1 of 3 targets failed (mars); the others ran to the end."),
      run.stderr,
    );
    assert.ok(!/\n\s+at /.test(run.stderr), "no stack trace");
    assert.deepEqual(secretsFound(await cli.allWrittenText(), [fx.deployer.json, fx.caller.json]), []);
  });

  it("targets sharing a region deploy services of their own names, each under its own run label", async () => {
    await using cli = await sandbox();
    const { flags, env } = inputs("shared-fn");
    const targets = "blue=europe-west1, green=europe-west1";
    const run = await cli.run(
      [COMMAND, ...flags, "--targets", targets, "--run-label", "77-1", "--json"],
      env,
    );
    assert.equal(run.exitCode, 0, run.stderr);
    const { outputs } = result(run);
    for (const name of ["blue", "green"]) {
      assert.match(outputs[`${name}.url`] ?? "", new RegExp(`/shared-fn-${name}-\\d+\\.europe-west1$`));
      const service = [...fx.stack.gcp.state.services.values()].find((s) => s.id === `shared-fn-${name}`);
      const labels = (service?.body.labels ?? {}) as Record<string, string>;
      assert.equal(labels["fngate-run"], `77-1-${name}`, name);
    }
  });

  const refusals: [what: string, extra: string[], code: number, message: string][] = [
    [
      "--parallel without --targets",
      ["--region", "us-central1", "--parallel", "2"],
      2,
      "error: --parallel applies to --targets only: add --targets or drop --parallel. (fngate cloud-run-pipeline --help)",
    ],
    [
      "--parallel out of range",
      ["--targets", "us-central1", "--parallel", "0"],
      2,
      'error: --parallel must be a whole number from 1 to 32; got "0". (fngate cloud-run-pipeline --help)',
    ],
  ];
  // The list's own refusals (--targets beside --region, a duplicate name), in process:
  // test/targets-list.test.ts, named after the flag they came from.
  for (const [what, extra, code, message] of refusals) {
    it(`refuses ${what} in one line, before any deploy`, async () => {
      await using cli = await sandbox();
      const { flags, env } = inputs("refused-fn");
      const before = fx.mutatingCalls();
      const run = await cli.run([COMMAND, ...flags, ...extra], env);
      assert.equal(run.exitCode, code, run.stderr);
      assert.equal(run.stderr.trim().split("\n").at(-1), message);
      assert.equal(fx.mutatingCalls(), before, "nothing deployed");
    });
  }

  it("a flag every target lacks is one usage error, not one failure per target", async () => {
    await using cli = await sandbox();
    const { env } = inputs("missing-fn");
    const run = await cli.run([COMMAND, "--service", "missing-fn", "--targets", "us-central1,us-east1"], env);
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(run.stderr.trim().split("\n").at(-1) ?? "", /^error: --project .*required/);
  });

  it("a command that deploys nowhere else takes no --targets", async () => {
    await using cli = await sandbox();
    const run = await cli.run(["gcp-id-token", "--targets", "us-central1"]);
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(run.stderr, /unknown flag --targets/);
  });
});

// `fngate fc-deploy` with AccessKeys from the environment: its --targets run; its test invoke and
// a re-run that changes nothing: fc-deploy-action (the same step) and `fngate fc-pipeline` (fc-pipeline).
describe("fngate fc-deploy --targets", () => {
  it("two targets in one region deploy functions of their own names; the summary shows each one's ARN", async () => {
    const alibaba = alibabaFixture(fx.stack);
    await using cli = await cliSandbox(alibaba.env, { cwd: examplesDir });
    const args = [
      "fc-deploy",
      ...[
        "--function",
        "many",
        "--code-path",
        "function",
        "--runtime",
        "nodejs20",
        "--handler",
        "index.handler",
      ],
      ...["--role", alibaba.functionRole.arn, "--access-key-id", alibaba.accessKey.id],
      ...["--targets", "a=cn-hangzhou, b=cn-hangzhou", "--json"],
    ];
    const run = await cli.run(args, { FNGATE_ACCESS_KEY_SECRET: alibaba.accessKey.secret });
    assert.equal(run.exitCode, 0, run.stderr);
    const { outputs } = result(run);
    const account = fx.stack.alibaba.state.accountId;
    for (const name of ["a", "b"]) {
      const arn = `acs:fc:cn-hangzhou:${account}:functions/many-${name}`;
      assert.equal(outputs[`${name}.function-arn`], arn);
      assert.match(run.stderr, new RegExp(`^\\[fc-deploy\\] ${name} \\(cn-hangzhou\\): ok ${arn}$`, "m"));
    }
    assert.deepEqual(secretsFound(await cli.allWrittenText(), [alibaba.accessKey.secret]), []);
  });
});
