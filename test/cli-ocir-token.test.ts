// The CLI side of OCIR without an auth token and of cleanup under failure: `fngate ocir-login` with no
// auth token logs the real Docker engine in with a registry token signed with the profile
// `fngate fn-context` wrote, `fngate fn-deploy` renews it around its push (read from the cleanup record),
// and `fngate cleanup` undoes every record whatever happens to the others, keeping what it could not
// undo for the next run.
import assert from "node:assert/strict";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  APPLICATION,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { type CliSandbox, cliSandbox, flagsOf } from "./support/cli-process.ts";
import { secretsFound } from "./support/secret-scan.ts";

let fx: PipelineFixture;
before(async () => {
  fx = await startPipelineFixture("clitok", { registryAuth: "token" });
});
after(async () => {
  await fx?.close();
});

async function fnContext(sandbox: CliSandbox, env: Record<string, string> = {}): Promise<void> {
  const keyFile = join(sandbox.root, "api-key.pem");
  await writeFile(keyFile, fx.oci.key.pkcs8, { mode: 0o600 });
  const { "private-key": _key, ...inputs } = fx.oci.inputs({ "compartment-ocid": fx.oci.tenancyId });
  const run = await sandbox.run(["fn-context", ...flagsOf(inputs), "--private-key-file", keyFile], env);
  assert.equal(run.exitCode, 0, run.stderr);
  await rm(keyFile);
}

const records = async (sandbox: CliSandbox) =>
  JSON.parse(await readFile(join(sandbox.home, ".fngate", "cleanup.json"), "utf8")) as {
    fnContext: unknown[];
    ocirLogin: unknown[];
  };

describe("fngate ocir-login without an auth token", () => {
  it("logs in with a registry token, fn-deploy pushes with it (renewed when it expires soon), cleanup undoes it all", async (t) => {
    if (!(await pipelineComponents(t))) return;
    const tokens = fx.oci.stack.oci.registryTokens;
    const sandbox = await cliSandbox(
      { ...fx.oci.env, FNGATE_GIT_SHA: "0123456789abcdef" },
      { cwd: fx.functionDir },
    );
    try {
      const before = await sandbox.snapshot();
      await fnContext(sandbox);
      const issued = tokens.issued.length;
      tokens.loginTokenLifetimeSeconds = 60;
      const login = await sandbox.run([
        "ocir-login",
        "--region",
        "ap-tokyo-1",
        "--registry",
        fx.registry?.host ?? "",
        "--json",
      ]);
      assert.equal(login.exitCode, 0, login.stderr);
      const outputs = (JSON.parse(login.stdout) as { outputs: Record<string, string> }).outputs;
      assert.equal(outputs.username, "BEARER_TOKEN");
      assert.match(outputs["token-expires-at"] ?? "", /^\d{4}-\d\d-\d\dT/);
      const deploy = await sandbox.run([
        "fn-deploy",
        ...flagsOf({
          application: APPLICATION,
          "compartment-ocid": fx.oci.tenancyId,
          function: "clitoken",
          path: ".",
          registry: outputs["image-prefix"] ?? "",
        }),
      ]);
      assert.equal(deploy.exitCode, 0, deploy.stderr);
      assert.match(deploy.stderr, /too soon for the push: renewing it/);
      const fresh = tokens.issued.slice(issued);
      assert.equal(fresh.length, 2, "the login's token and fn-deploy's renewal");
      const cleanup = await sandbox.run(["cleanup"]);
      assert.equal(cleanup.exitCode, 0, cleanup.stderr);
      assert.deepEqual(await sandbox.snapshot(), before, "cleanup put HOME and TMPDIR back");
      const secrets = [...fresh, ...fresh.map((token) => `BEARER_TOKEN:${token}`)];
      assert.deepEqual(secretsFound(await sandbox.allWrittenText(), secrets), []);
    } finally {
      tokens.loginTokenLifetimeSeconds = 3600;
      await sandbox.dispose();
    }
  });
});

describe("fngate cleanup when one record cannot be undone", () => {
  it("undoes the others, names the failure, keeps that record, and a later cleanup finishes the job", async () => {
    // No docker: ocir-login writes config.json itself, so only the restore can fail.
    await using sandbox = await cliSandbox({ ...fx.oci.env, PATH: "/nonexistent" });
    const before = await sandbox.snapshot();
    await fnContext(sandbox);
    const login = await sandbox.run(
      ["ocir-login", ...flagsOf({ region: "ap-tokyo-1", registry: "127.0.0.1:5997", username: "ci-user" })],
      { FNGATE_AUTH_TOKEN: fx.authToken },
    );
    assert.equal(login.exitCode, 0, login.stderr);
    assert.equal((await records(sandbox)).ocirLogin.length, 1);
    const config = join(sandbox.home, ".docker", "config.json");
    await rm(config);
    await mkdir(join(config, "inside"), { recursive: true });

    const first = await sandbox.run(["cleanup"]);
    assert.equal(first.exitCode, 0, first.stderr);
    const warnings = first.stderr.split("\n").filter((line) => line.startsWith("[cleanup] warning: "));
    assert.equal(warnings.length, 1, first.stderr);
    assert.match(
      warnings[0] ?? "",
      /^\[cleanup\] warning: cleanup failed: restoring docker's config\.json \(.*\) after the 127\.0\.0\.1:5997 login: /,
    );
    assert.match(
      first.stderr,
      /undid 1 change\(s\); 1 could not be undone and stay recorded for the next `fngate cleanup`/,
    );
    assert.deepEqual(await records(sandbox).then((r) => [r.fnContext.length, r.ocirLogin.length]), [0, 1]);

    await rm(config, { recursive: true });
    const second = await sandbox.run(["cleanup"]);
    assert.equal(second.exitCode, 0, second.stderr);
    assert.match(second.stderr, /undid 1 change\(s\)$/m);
    assert.deepEqual(await sandbox.snapshot(), before, "everything undone in the end");
    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), [fx.authToken, fx.oci.key.pkcs8]), []);
  });
});
