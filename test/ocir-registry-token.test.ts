// OCIR without an auth token, on the API-key path: ocir-login requests a registry token with the
// profile fn-context wrote (a signed GET on /20180419/docker/token), logs the real Docker engine in
// as BEARER_TOKEN to a registry in token-auth mode whose realm is the OCI emulator, and outputs the
// expiry; fn-deploy renews the token before a push that would start too close to its expiry and once
// after a push refused as unauthorized; a push to another tenancy's namespace is refused by the
// registry and explained. Every refusal is one line naming the fix. The CLI side: `fngate ocir-login`
// with no auth token logs in with a registry token signed with the profile `fngate fn-context` wrote,
// `fngate fn-deploy` renews it around its push (read from the cleanup record), and `fngate cleanup`
// undoes every record whatever happens to the others, keeping what it could not undo for the next run.
import assert from "node:assert/strict";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import {
  APPLICATION,
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { assertUserFailure, type Job } from "./runner/index.ts";
import { type CliSandbox, cliSandbox, flagsOf } from "./support/cli-process.ts";
import { passed, stepPassed } from "./support/passed.ts";
import { secretsFound } from "./support/secret-scan.ts";

let fx: PipelineFixture;
before(async () => {
  fx = await startPipelineFixture("regtok", { registryAuth: "token" });
});
after(async () => {
  await fx?.close();
});

const tokens = () => fx.oci.stack.oci.registryTokens;
/** ocir-login's inputs for the fixture's registry, with no auth token and no username. */
const tokenLogin = (overrides: Record<string, string> = {}) => ({
  region: "ap-tokyo-1",
  registry: fx.registry?.host ?? "",
  ...overrides,
});
/** fn-deploy's inputs for one function built from the example folder. */
const deployInputs = (name: string, overrides: Record<string, string> = {}) => ({
  application: APPLICATION,
  "compartment-ocid": fx.oci.tenancyId,
  function: name,
  path: ".",
  ...overrides,
});
/** The pipeline's inputs without an auth token or a username: the API key signs the token request. */
function pipelineInputs(name: string): Record<string, string> {
  const { username: _username, "auth-token": _token, ...rest } = fx.inputs("secret", name);
  return rest;
}

/** A job that has run fn-context; undefined (the test skipped) without the registry and Docker engine. */
async function contextJob(t: TestContext): Promise<Job | undefined> {
  if (!(await pipelineComponents(t))) return undefined;
  const job = await fx.job();
  await stepPassed(job, "fn-context", fx.oci.inputs());
  return job;
}

describe("ocir-login with a registry token (API key profile)", () => {
  it("logs docker in as BEARER_TOKEN, outputs the expiry, masks the token; post logs out and nothing shows it", async (t) => {
    await using job = await contextJob(t);
    if (!job) return;
    const issued = tokens().issued.length;
    const run = await stepPassed(job, "ocir-login", tokenLogin());
    const token = tokens().issued[issued];
    assert.ok(token && tokens().issued.length === issued + 1, "one registry token was issued");
    assert.equal(run.outputs.username, "BEARER_TOKEN");
    assert.equal(run.outputs.namespace, fx.oci.namespace);
    assert.equal(run.outputs["image-prefix"], `${fx.registry?.host}/${fx.oci.namespace}`);
    const expiresIn = Date.parse(run.outputs["token-expires-at"] ?? "") - Date.now();
    assert.ok(expiresIn > 3500_000 && expiresIn <= 3600_000, `expires in ${expiresIn} ms (an hour)`);
    assert.ok(run.masks.includes(token), "the token is masked");
    const exported = JSON.parse(run.exportedEnv.FNGATE_OCIR_TOKEN_LOGIN ?? "{}");
    assert.deepEqual(Object.keys(exported).sort(), ["expiresAt", "namespace", "regionId", "registry"]);
    const config = JSON.parse(await readFile(join(job.home, ".docker", "config.json"), "utf8"));
    assert.equal(
      config.auths[fx.registry?.host ?? ""].auth,
      Buffer.from(`BEARER_TOKEN:${token}`).toString("base64"),
      "docker stored the login it was given",
    );
    const posts = await job.runPosts();
    assert.ok(posts.every((post) => post.exitCode === 0));
    const after = await job.snapshot();
    assert.ok(![...after.keys()].some((path) => path.includes(".docker/config.json")), "logged out");
    // Logs, outputs, exports, state, summaries and every file left (config.json was 0600 and is gone).
    assert.deepEqual(secretsFound(await job.allWrittenText(), [token, `BEARER_TOKEN:${token}`]), []);
  });

  it("the registry refusing the token: the message names the namespace and the region", async (t) => {
    await using job = await contextJob(t);
    if (!job) return;
    // A token that is already expired when docker presents it to the realm.
    tokens().loginTokenLifetimeSeconds = 0;
    try {
      const before = await job.snapshot();
      const run = await job.run("ocir-login", { inputs: tokenLogin() });
      assertUserFailure(
        run,
        new RegExp(
          `^docker login to ${fx.registry?.host} with a registry token was refused \\(.+\\): the token is for tenancy namespace ${fx.oci.namespace} in region ap-tokyo-1; `,
        ),
      );
      assert.deepEqual(await job.snapshot(), before, "nothing left of the refused login");
    } finally {
      tokens().loginTokenLifetimeSeconds = 3600;
    }
    await job.runPosts();
  });
});

describe("fn-deploy's push with a registry token", () => {
  it("a push refused as unauthorized (the token was revoked) is retried once with a fresh token", async (t) => {
    await using job = await contextJob(t);
    if (!job) return;
    const login = await stepPassed(job, "ocir-login", tokenLogin());
    tokens().revokeIssued();
    const issued = tokens().issued.length;
    const deploy = await stepPassed(
      job,
      "fn-deploy",
      deployInputs("revoked", { registry: login.outputs["image-prefix"] ?? "" }),
    );
    assert.match(
      deploy.stdout,
      /The registry refused the push as unauthorized: renewing the registry token and pushing once more\./,
    );
    assert.equal(tokens().issued.length, issued + 1, "one fresh token");
    assert.ok(deploy.masks.includes(tokens().issued[issued] ?? "?"), "the fresh token is masked");
    const posts = await job.runPosts();
    assert.ok(posts.every((post) => post.exitCode === 0));
  });

  it("a push to another tenancy's namespace is refused by the registry, naming the token's namespace and region", async (t) => {
    const other = fx.oci.stack.oci.state.createTenancy({ name: "someone-else" });
    await using job = await contextJob(t);
    if (!job) return;
    await stepPassed(job, "ocir-login", tokenLogin());
    const deploy = await job.run("fn-deploy", {
      inputs: deployInputs("foreign", { registry: `${fx.registry?.host}/${other.namespace}` }),
    });
    assertUserFailure(
      deploy,
      new RegExp(
        `^docker push ${fx.registry?.host}/${other.namespace}/foreign:\\S+ was refused \\(denied: requested access to the resource is denied\\): ocir-login's registry token is for tenancy namespace ${fx.oci.namespace} in region ap-tokyo-1, so images go under ${fx.registry?.host}/${fx.oci.namespace}/`,
      ),
    );
    await job.runPosts();
  });
});

describe("the pipeline with an API key and no auth token", () => {
  it("deploys end to end; a token living less than the renewal margin is renewed before the push", async (t) => {
    if (!(await pipelineComponents(t))) return;
    tokens().loginTokenLifetimeSeconds = 120;
    const job = await fx.job();
    try {
      const before = await job.snapshot();
      const issued = tokens().issued.length;
      const run = await stepPassed(job, PIPELINE, pipelineInputs("apikeytok"));
      assert.equal(run.outputs.passed, "true");
      assert.match(
        run.stdout,
        /The registry token for \S+ expires at \S+, too soon for the push: renewing it\./,
      );
      const fresh = tokens().issued.slice(issued);
      assert.equal(fresh.length, 2, "the login's token and the renewed one");
      const posts = await job.runPosts();
      assert.ok(posts.every((post) => post.exitCode === 0));
      assert.deepEqual(await job.snapshot(), before, "HOME and RUNNER_TEMP are as before the job");
      const everything = await job.allWrittenText();
      assert.deepEqual(
        secretsFound(everything, [...fresh, ...fresh.map((tok) => `BEARER_TOKEN:${tok}`)]),
        [],
      );
    } finally {
      tokens().loginTokenLifetimeSeconds = 3600;
      await job.dispose();
    }
  });
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
      const login = await sandbox.run(["ocir-login", ...flagsOf(tokenLogin()), "--json"]);
      assert.equal(login.exitCode, 0, login.stderr);
      const outputs = (JSON.parse(login.stdout) as { outputs: Record<string, string> }).outputs;
      assert.equal(outputs.username, "BEARER_TOKEN");
      assert.match(outputs["token-expires-at"] ?? "", /^\d{4}-\d\d-\d\dT/);
      const registry = outputs["image-prefix"] ?? "";
      const deploy = await sandbox.run(["fn-deploy", ...flagsOf(deployInputs("clitoken", { registry }))]);
      assert.equal(deploy.exitCode, 0, deploy.stderr);
      assert.match(deploy.stderr, /too soon for the push: renewing it/);
      const fresh = tokens.issued.slice(issued);
      assert.equal(fresh.length, 2, "the login's token and fn-deploy's renewal");
      passed(await sandbox.run(["cleanup"]));
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

    const first = passed(await sandbox.run(["cleanup"]));
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
    const second = passed(await sandbox.run(["cleanup"]));
    assert.match(second.stderr, /undid 1 change\(s\)$/m);
    assert.deepEqual(await sandbox.snapshot(), before, "everything undone in the end");
    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), [fx.authToken, fx.oci.key.pkcs8]), []);
  });
});
