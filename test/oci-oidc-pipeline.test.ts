// The whole OCI pipeline (the root action) with `auth: oidc`, no API key and no auth token: fn-context
// exchanges the job's GitHub OIDC token for a session, ocir-login requests a registry token with that
// session and logs the real Docker engine in to a registry in token-auth mode (the OCI emulator is
// its realm, as OCIR's token service is), and fn-deploy, gateway-deploy and the smoke test run on the
// session (every signed OCI call carries an ST$ keyId). Nothing secret leaks, nothing is left behind.
// Every refusal of the exchange, one explained line each: oci-oidc-fn-context.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type GithubTrust, trustGithubRepository } from "./emulators/oci-identity-domain/github-trust.ts";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  REPOSITORY,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

let fx: PipelineFixture;
let trust: GithubTrust;

before(async () => {
  fx = await startPipelineFixture("oidc", { registryAuth: "token" });
  trust = trustGithubRepository(fx.oci.stack, {
    tenancyId: fx.oci.tenancyId,
    userId: fx.oci.userId,
    repository: REPOSITORY,
  });
});
after(async () => {
  await fx?.close();
});

/** Root action inputs for auth: oidc: the fixture's, with every API key and auth token input removed. */
function oidcInputs(name: string): Record<string, string> {
  const {
    "user-ocid": _user,
    fingerprint: _fingerprint,
    "private-key": _key,
    username: _username,
    "auth-token": _authToken,
    ...rest
  } = fx.inputs("secret", name);
  const oidc = trust.inputs();
  return {
    ...rest,
    auth: "oidc",
    "identity-domain-url": oidc["identity-domain-url"] ?? "",
    "oci-client-id": trust.clientId,
    "oci-client-secret": trust.clientSecret,
    "oidc-audience": trust.audience,
  };
}

const signedCalls = () => fx.oci.stack.oci.requests.filter((r) => r.keyId !== undefined);

describe("the OCI pipeline with auth: oidc", () => {
  it("deploys and proves the API on a session alone: no API key, no auth token, every OCI call signed with ST$", async (t) => {
    if (!(await pipelineComponents(t))) return;
    const inputs = oidcInputs("oidc1");
    for (const name of ["private-key", "user-ocid", "fingerprint", "auth-token", "username"]) {
      assert.ok(!(name in inputs), `${name} is not given`);
    }
    const tokens = fx.oci.stack.oci.registryTokens;
    const issuedBefore = tokens.issued.length;
    const realmBefore = tokens.realmLog.length;
    await using job = await fx.job();
    const before = await job.snapshot();
    const callsBefore = signedCalls().length;
    const run = await job.run(PIPELINE, { inputs });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.passed, "true");
    assert.match(run.outputs.url ?? "", /\/oidc1\/hello$/);
    const calls = signedCalls().slice(callsBefore);
    assert.ok(calls.length >= 5, `signed OCI calls made: ${calls.length}`);
    for (const call of calls) {
      assert.ok(call.keyId?.startsWith("ST$"), `${call.operation} signed with ${call.keyId?.slice(0, 40)}`);
      assert.equal(call.authFailure, undefined, `${call.operation} authenticated`);
    }
    assert.match(run.stdout, /No API key is stored anywhere\./);
    // ocir-login asked OCIR's token endpoint with the session, and docker logged in and pushed with it.
    assert.ok(
      calls.some((call) => call.operation === "GetRegistryToken" && call.status === 200),
      "the registry token was requested with a signed call",
    );
    const issued = tokens.issued.slice(issuedBefore);
    assert.equal(issued.length, 1, "one registry token, not renewed: it lives an hour");
    const realm = tokens.realmLog.slice(realmBefore);
    assert.ok(
      realm.length > 0 && realm.every((entry) => entry.username === "BEARER_TOKEN" && entry.status === 200),
    );
    assert.ok(
      realm.some(
        (entry) => entry.scope.includes(`repository:${fx.oci.namespace}/`) && entry.scope.includes("push"),
      ),
      "the push was authorized by the realm for the tenancy's namespace",
    );
    assert.match(
      run.stdout,
      new RegExp(`Logged in to ${fx.registry?.host} as BEARER_TOKEN with a registry token`),
    );

    const posts = await job.runPosts();
    assert.ok(posts.every((p) => p.exitCode === 0));
    assert.deepEqual(await job.snapshot(), before, "HOME and RUNNER_TEMP are as before the job");
    const everything =
      [run, ...posts].map((r) => visibleOutput(r.stdout) + r.stderr + r.summary).join("\n") +
      (await job.allWrittenText());
    // The masks hold the GitHub OIDC token, the UPST, the session key's lines and the Entra token.
    const secrets = [
      fx.authToken,
      fx.clientSecret,
      trust.clientSecret,
      ...issued,
      ...issued.map((token) => `BEARER_TOKEN:${token}`),
      ...run.masks.filter((m) => m.length >= 8),
    ];
    for (const token of issued) assert.ok(run.masks.includes(token), "the registry token was masked");
    assert.deepEqual(secretsFound(everything, secrets), [], "a secret shows in what the job wrote");
  });
});
