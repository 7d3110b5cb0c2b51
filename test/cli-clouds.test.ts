// The Cloud Run and Function Compute commands of the CLI end to end, as a GitLab or Jenkins job runs
// them: the built CLI as a child process, keys from files or FNGATE_* variables (never argv), the
// result as --json on stdout, against the same emulators as the actions.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { alibabaFixture, alibabaSecrets, BUCKET, examplesDir } from "./emulators/alibaba/fixture.ts";
import { type CloudRunFixture, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { type CliRun, cliSandbox } from "./support/cli-process.ts";
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

describe("fngate fc-deploy", () => {
  it("deploys with a role and AccessKeys from the environment, test-invokes, and a re-run changes nothing", async () => {
    const { stack } = fx;
    const alibaba = alibabaFixture(stack);
    // The CLI's workspace is its working directory: code-path is relative to it.
    await using sandbox = await cliSandbox(alibaba.env, { cwd: examplesDir });
    const payload = JSON.stringify({
      endpoint: stack.alibaba.url,
      bucket: BUCKET,
      objectName: "from-cli.txt",
      message: "written from the CLI",
    });
    const args = [
      "fc-deploy",
      ...["--region", "cn-hangzhou", "--function", "cli-writer"],
      ...["--code-path", "function", "--runtime", "nodejs20", "--handler", "index.handler"],
      ...["--role", alibaba.functionRole.arn, "--access-key-id", alibaba.accessKey.id],
      ...["--invoke", payload, "--json"],
    ];
    const env = { FNGATE_ACCESS_KEY_SECRET: alibaba.accessKey.secret };
    const first = outputsOf(await sandbox.run(args, env));
    assert.equal(first.changed, "true");
    assert.equal(
      first["function-arn"],
      `acs:fc:cn-hangzhou:${stack.alibaba.state.accountId}:functions/cli-writer`,
    );
    assert.equal(JSON.parse(first["invoke-result"] ?? "{}").credentials, "role");
    assert.equal(
      stack.alibaba.state.buckets.get(BUCKET)?.objects.get("from-cli.txt")?.toString(),
      "written from the CLI",
    );

    const again = outputsOf(await sandbox.run(args, env));
    assert.equal(again.changed, "false");

    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), alibabaSecrets(stack)), []);
  });
});

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
