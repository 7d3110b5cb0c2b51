// `fngate pipeline` and the step-by-step commands, run as the built CLI in a child process (as a GitLab
// or Jenkins job runs it) against every emulator, the real Docker engine and registry: a function to a
// live guarded API, the --json result, a re-run that changes nothing, cleanup, and no secret anywhere.
// One pipeline, two adapters: the root action (through the runner harness) re-running what the CLI
// deployed gives the same outputs, every one of them declared in the root action.yml. And --targets:
// two targets in one region deploy side by side, each under its own names and in a home of its own.
import assert from "node:assert/strict";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { isMutating } from "./emulators/oci/request-log.ts";
import {
  answersOf,
  GUARDED_ANSWERS,
  PIPELINE,
  type PipelineFixture,
  pipelineCliArgs,
  pipelineComponents,
  STAGES,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { assertCliFailure } from "./runner/index.ts";
import { type CliRun, cliSandbox, flagsOf } from "./support/cli-process.ts";
import { comparableOutputs } from "./support/comparable-outputs.ts";
import { secretsFound } from "./support/secret-scan.ts";

let fixture: PipelineFixture;

before(async () => {
  fixture = await startPipelineFixture("cli");
});
after(async () => {
  await fixture?.close();
});

/** A CLI sandbox in the function's folder, as a CI job of commit `sha` runs it. */
const functionSandbox = (sha = "0123456789abcdef") =>
  cliSandbox({ ...fixture.oci.env, FNGATE_GIT_SHA: sha }, { cwd: fixture.functionDir });

/** The outputs of a run that succeeded with --json. */
function outputsOf(run: CliRun): Record<string, string> {
  assert.equal(run.exitCode, 0, run.stderr);
  return (JSON.parse(run.stdout) as { outputs: Record<string, string> }).outputs;
}

describe("fngate pipeline", () => {
  it("deploys a live guarded API, prints one JSON result, changes nothing on a re-run (nor does the root action, with the same outputs), cleans up, leaks nothing", async (t) => {
    if (!(await pipelineComponents(t))) return;
    // The commit the root action's job runs (GITHUB_SHA), so both adapters tag the same image.
    await using sandbox = await functionSandbox("0123456789abcdef0123456789abcdef01234567");
    const before = await sandbox.snapshot();
    const inputs = fixture.inputs("secret", "clipipe");
    const { flags, env } = pipelineCliArgs(inputs);
    const run = await sandbox.run(["pipeline", ...flags, "--json"], env);
    assert.equal(run.exitCode, 0, run.stderr);
    const lines = run.stdout.trim().split("\n");
    assert.equal(lines.length, 1, `one JSON line on stdout: ${run.stdout}`);
    const result = JSON.parse(lines[0] ?? "") as {
      ok: boolean;
      command: string;
      outputs: Record<string, string>;
    };
    assert.equal(result.ok, true);
    assert.equal(result.command, "pipeline");
    assert.equal(result.outputs.passed, "true");
    assert.equal(result.outputs.changed, "true");
    assert.match(result.outputs["function-id"] ?? "", /^ocid1\.fnfunc\./);
    assert.match(result.outputs.url ?? "", /\/clipipe\/hello$/);
    assert.deepEqual(answersOf(result.outputs.results), GUARDED_ANSWERS);
    for (const stage of [...STAGES, "cleanup"]) {
      assert.ok(run.stderr.includes(`── ${stage}`), `progress on stderr names ${stage}`);
    }
    assert.deepEqual(await sandbox.snapshot(), before, "HOME and TMPDIR are as before the run");

    const { requests } = fixture.oci.stack.oci;
    const firstRunCalls = requests.length;
    const again = outputsOf(await sandbox.run(["pipeline", ...flags, "--json"], env));
    assert.equal(again.changed, "false");
    assert.equal(again.passed, "true");

    // The root action on the same inputs runs the same pipeline: nothing to change, the same outputs.
    await using job = await fixture.job();
    const action = await job.run(PIPELINE, { inputs });
    assert.equal(action.exitCode, 0, action.stdout);
    assert.equal(action.outputs.changed, "false");
    assert.deepEqual(comparableOutputs(again), comparableOutputs(action.outputs));
    const declared = parse(await readFile(join(import.meta.dirname, "..", "action.yml"), "utf8")) as {
      outputs: Record<string, unknown>;
    };
    const undeclared = Object.keys(again).filter((name) => !(name in declared.outputs));
    assert.deepEqual(undeclared, [], "every output either adapter gives is declared in action.yml");
    const mutating = requests.slice(firstRunCalls).filter(isMutating);
    assert.deepEqual(
      mutating.map((r) => `${r.method} ${r.target}`),
      [],
      "a re-run makes no mutating call",
    );
    await job.runPosts();

    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), fixture.secrets), []);
  });

  it("runs step by step with secrets from files, hands the profile and token over, and `fngate cleanup` undoes it all", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using sandbox = await functionSandbox();
    const before = await sandbox.snapshot();
    const keyFile = join(sandbox.root, "api-key.pem");
    await writeFile(keyFile, fixture.oci.key.pkcs8, { mode: 0o600 });
    const all = fixture.inputs("secret", "clisteps");
    const pick = (...names: string[]) => flagsOf(Object.fromEntries(names.map((n) => [n, all[n] ?? ""])));
    const step = async (args: string[], env: Record<string, string> = {}) =>
      outputsOf(await sandbox.run([...args, "--json"], env));
    const context = await step([
      "fn-context",
      ...pick("user-ocid", "tenancy-ocid", "fingerprint", "region", "compartment-ocid"),
      "--private-key-file",
      keyFile,
    ]);
    assert.equal(context.changed, "true");
    assert.equal((await stat(context["key-file"] ?? "")).mode & 0o777, 0o600);
    const login = await step(["ocir-login", ...pick("region", "username", "registry")], {
      FNGATE_AUTH_TOKEN: fixture.authToken,
    });
    const deployed = await step(
      ["fn-deploy", ...pick("application", "function", "path", "compartment-ocid")],
      { FNGATE_REGISTRY: login["image-prefix"] ?? "" },
    );
    const gateway = await step([
      "gateway-deploy",
      ...pick(
        "gateway-ocid",
        "compartment-ocid",
        "deployment",
        "path-prefix",
        "route-path",
        "entra-tenant-id",
        "authority-host",
        "audiences",
      ),
      "--function-id",
      deployed["function-id"] ?? "",
    ]);
    const tokenFile = join(sandbox.root, "token");
    const token = await step(
      [
        "entra-token",
        "--tenant-id",
        fixture.tenantId,
        ...pick("client-id", "scope", "authority-host"),
        "--token-file",
        tokenFile,
      ],
      { FNGATE_CLIENT_SECRET: fixture.clientSecret },
    );
    assert.equal(token["access-token-file"], tokenFile);
    assert.equal((await stat(tokenFile)).mode & 0o777, 0o600);
    const smoke = await step([
      "smoke-test",
      "--url",
      gateway.url ?? "",
      "--token-file",
      tokenFile,
      ...pick("expect-body"),
    ]);
    assert.equal(smoke.passed, "true");
    const accessToken = await readFile(tokenFile, "utf8");
    await step(["cleanup"]);
    await rm(tokenFile);
    await rm(keyFile);
    assert.deepEqual(await sandbox.snapshot(), before, "cleanup put HOME and TMPDIR back");
    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), [...fixture.secrets, accessToken]), []);
  });

  it("federated Entra credentials outside GitHub: the CI system's OIDC token from FNGATE_FEDERATED_TOKEN, else one clear line", async () => {
    await using sandbox = await cliSandbox(fixture.oci.env);
    const { tenantId, client, oci } = fixture;
    const flags = [
      "entra-token",
      ...["--tenant-id", tenantId, "--client-id", client.appId, "--scope", "api://my-oci-api/.default"],
      ...["--authority-host", oci.stack.entra.host, "--federated", "--json"],
    ];
    const ciToken = await fixture.oci.stack.githubOidc.mint(
      { repository: "ORG/REPO", ref: "refs/heads/main" },
      "api://AzureADTokenExchange",
    );
    const run = await sandbox.run(flags, { FNGATE_FEDERATED_TOKEN: ciToken });
    const outputs = outputsOf(run);
    assert.equal(outputs.audience, "api://my-oci-api");
    assert.equal(outputs["access-token"], undefined, "the token itself is never printed");
    assert.ok(!run.stdout.includes(ciToken) && !run.stderr.includes(ciToken));

    const missing = await sandbox.run(flags);
    assertCliFailure(
      missing,
      "an OIDC token (audience api://AzureADTokenExchange) is needed: set FNGATE_FEDERATED_TOKEN (GitLab CI id_tokens, a Jenkins credential) or FNGATE_FEDERATED_TOKEN_FILE.",
    );
    assert.equal(missing.stderr.split("\n").filter(Boolean).length, 1, "the error is all it prints");
  });

  it("two targets in one region deploy side by side, each under its own names and in its own home", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using sandbox = await functionSandbox();
    const before = await sandbox.snapshot();
    // Each target names its own region and path prefix.
    const { region = "", "path-prefix": _, ...inputs } = fixture.inputs("secret", "regfn");
    const { flags, env } = pipelineCliArgs(inputs);
    const targets = JSON.stringify([
      { region, name: "blue", "path-prefix": "/blue" },
      { region, name: "green", "path-prefix": "/green" },
    ]);
    const run = await sandbox.run(["pipeline", ...flags, "--targets", targets, "--json"], env);
    const outputs = outputsOf(run);
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
});
