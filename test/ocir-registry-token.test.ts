// OCIR without an auth token, on the API-key path: ocir-login requests a registry token with the
// profile fn-context wrote (a signed GET on /20180419/docker/token), logs the real Docker engine in
// as BEARER_TOKEN to a registry in token-auth mode whose realm is the OCI emulator, and outputs the
// expiry; fn-deploy renews the token before a push that would start too close to its expiry and once
// after a push refused as unauthorized; a push to another tenancy's namespace is refused by the
// registry and explained. Every refusal is one line naming the fix.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  APPLICATION,
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { assertUserFailure, type Job } from "./runner/index.ts";
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

async function withContext<T>(use: (job: Job) => Promise<T>): Promise<T> {
  await using job = await fx.job();
  const context = await job.run("fn-context", { inputs: fx.oci.inputs() });
  assert.equal(context.exitCode, 0, context.stdout);
  return await use(job);
}

describe("ocir-login with a registry token (API key profile)", () => {
  it("logs docker in as BEARER_TOKEN, outputs the expiry, masks the token; post logs out and nothing shows it", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await withContext(async (job) => {
      const issued = tokens().issued.length;
      const run = await job.run("ocir-login", { inputs: tokenLogin() });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
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
  });

  it("auth-token wins when given: no registry token is requested", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await withContext(async (job) => {
      const issued = tokens().issued.length;
      const run = await job.run("ocir-login", {
        inputs: tokenLogin({ username: "ci-user", "auth-token": fx.authToken }),
      });
      assert.equal(run.exitCode, 0, run.stdout);
      assert.equal(run.outputs.username, `${fx.oci.namespace}/ci-user`);
      assert.equal(run.outputs["token-expires-at"], "");
      assert.equal(tokens().issued.length, issued);
      await job.runPosts();
    });
  });

  it("a signature OCI refuses: one line naming the API key and the auth-token way out", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await withContext(async (job) => {
      const { state } = fx.oci.stack.oci;
      state.removeApiKey(fx.oci.userId, fx.oci.key.fingerprint);
      try {
        // The namespace is given, so the token request is the first signed call.
        const run = await job.run("ocir-login", { inputs: tokenLogin({ namespace: fx.oci.namespace }) });
        assertUserFailure(
          run,
          /^ocir-login: OCI refused the signed registry token request to https:\/\/127\.0\.0\.1:\d+\/20180419\/docker\/token \(401 NotAuthenticated, opc-request-id \S+\): the API key of fn-context's profile is not accepted: .*; or set auth-token and username/,
        );
      } finally {
        state.addApiKey(fx.oci.userId, fx.oci.key.publicPem);
      }
      const posts = await job.runPosts();
      assert.ok(posts.every((post) => post.exitCode === 0));
    });
  });

  it("the registry refusing the token: the message names the namespace and the region", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await withContext(async (job) => {
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
});

describe("fn-deploy's push with a registry token", () => {
  it("a push refused as unauthorized (the token was revoked) is retried once with a fresh token", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await withContext(async (job) => {
      const login = await job.run("ocir-login", { inputs: tokenLogin() });
      assert.equal(login.exitCode, 0, login.stdout);
      tokens().revokeIssued();
      const issued = tokens().issued.length;
      const deploy = await job.run("fn-deploy", {
        inputs: deployInputs("revoked", { registry: login.outputs["image-prefix"] ?? "" }),
      });
      assert.equal(deploy.exitCode, 0, deploy.stdout + deploy.stderr);
      assert.match(
        deploy.stdout,
        /The registry refused the push as unauthorized: renewing the registry token and pushing once more\./,
      );
      assert.equal(tokens().issued.length, issued + 1, "one fresh token");
      assert.ok(deploy.masks.includes(tokens().issued[issued] ?? "?"), "the fresh token is masked");
      const posts = await job.runPosts();
      assert.ok(posts.every((post) => post.exitCode === 0));
    });
  });

  it("a push to another tenancy's namespace is refused by the registry, naming the token's namespace and region", async (t) => {
    if (!(await pipelineComponents(t))) return;
    const other = fx.oci.stack.oci.state.createTenancy({ name: "someone-else" });
    await withContext(async (job) => {
      const login = await job.run("ocir-login", { inputs: tokenLogin() });
      assert.equal(login.exitCode, 0, login.stdout);
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
});

describe("the pipeline with an API key and no auth token", () => {
  it("deploys end to end; a token living less than the renewal margin is renewed before the push", async (t) => {
    if (!(await pipelineComponents(t))) return;
    tokens().loginTokenLifetimeSeconds = 120;
    const job = await fx.job();
    try {
      const before = await job.snapshot();
      const issued = tokens().issued.length;
      const run = await job.run(PIPELINE, { inputs: pipelineInputs("apikeytok") });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
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
