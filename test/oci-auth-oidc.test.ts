// auth: oidc on OCI, run as the runner runs it. fn-context: the job's GitHub OIDC token is exchanged at
// the (emulated) identity domain for a UPST bound to a key generated in the step; the profile it writes
// (security_token_file, no user, no stored key) is what oci-common's session provider and the OCI
// emulator accept, and the post step leaves nothing behind. Every refusal the identity domain sends is
// one explained line (the input checks, in process: oci-token-decisions.test.ts). Then the whole OCI
// pipeline (the root action) on the session alone, no API key and no auth token: ocir-login requests
// a registry token with that session and logs the real Docker engine in to a registry in token-auth
// mode (the OCI emulator is its realm, as OCIR's token service is), and fn-deploy, gateway-deploy and
// the smoke test run on the session (every signed OCI call carries an ST$ keyId).
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { NoRetryConfigurationDetails } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";
import { profileAuthProvider } from "../src/oci/auth/auth-provider.ts";
import { type GithubTrust, trustGithubRepository } from "./emulators/oci-identity-domain/github-trust.ts";
import { identityDomainOf } from "./emulators/oci-identity-domain/store.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  REPOSITORY,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { assertUserFailure, Job } from "./runner/index.ts";
import type { OciFixture } from "./support/oci-fixture.ts";
import { passed } from "./support/passed.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

let fx: PipelineFixture;
let oci: OciFixture;
let trust: GithubTrust;

before(async () => {
  // The pipeline's fixture (the registry in token-auth mode), whose OCI stack fn-context's tests use too.
  fx = await startPipelineFixture("oidc", { registryAuth: "token" });
  oci = fx.oci;
  trustCaInProcess(oci.stack.caPem);
  trust = trustGithubRepository(oci.stack, {
    tenancyId: oci.tenancyId,
    userId: oci.userId,
    repository: REPOSITORY,
  });
});
after(async () => {
  await fx?.close();
});

const exchanges = () => oci.stack.oci.requests.filter((r) => r.operation === "IdentityDomainToken");

describe("fn-context auth: oidc", () => {
  it("writes a session profile the SDK signs with (ST$), verifies it, and the post step removes every file", async () => {
    const oidc = oci.stack.githubOidc.envFor({ repository: REPOSITORY, ref: "refs/heads/main" });
    await using job = await Job.create({ env: { ...oci.env, ...oidc } });
    const before = await job.snapshot();
    const exchangesBefore = exchanges().length;
    const main = passed(await job.run("fn-context", { inputs: trust.inputs() }));
    assert.equal(main.outputs.namespace, oci.namespace);
    assert.equal(exchanges().length - exchangesBefore, 1, "one token exchange");
    const configFile = main.outputs["config-file"] ?? "";
    const config = await readFile(configFile, "utf8");
    const tokenFile = main.outputs["security-token-file"] ?? "";
    assert.match(config, new RegExp(`^security_token_file=${tokenFile}$`, "m"));
    assert.doesNotMatch(config, /^user=/m, "a session profile names no user");
    for (const file of [main.outputs["key-file"] ?? "", tokenFile, configFile]) {
      assert.equal((await stat(file)).mode & 0o777, 0o600, `${file} is 0600`);
    }
    const token = await readFile(tokenFile, "utf8");
    assert.ok(main.masks.includes(token), "the UPST is masked");
    assert.ok(Date.parse(main.outputs["session-expires-at"] ?? "") > Date.now());
    const verifyCall = oci.stack.oci.requests.findLast((r) => r.operation === "GetNamespace");
    assert.equal(verifyCall?.keyId, `ST$${token}`, "verify signed with the session token");
    assert.match(main.stdout, /No API key is stored anywhere\./);
    assert.equal(
      main.exportedEnv.OCI_CLI_AUTH,
      "security_token",
      "the OCI CLI in later steps uses the session",
    );

    // The profile as any later step reads it: oci-common's session provider, signing as ST$<token>.
    const client = new ObjectStorageClient(
      { authenticationDetailsProvider: profileAuthProvider(configFile, "DEFAULT") },
      { retryConfiguration: NoRetryConfigurationDetails },
    );
    client.endpoint = oci.stack.endpoints.oci;
    assert.equal((await client.getNamespace({})).value, oci.namespace);

    // The same token once the emulator's clock passes its expiry: the real 401 NotAuthenticated.
    const domain = identityDomainOf(oci.stack.oci.state);
    domain.clockOffsetMs = 3601_000;
    try {
      await assert.rejects(
        client.getNamespace({}),
        (error: { statusCode?: number; serviceCode?: string }) => {
          assert.equal(error.statusCode, 401);
          assert.equal(error.serviceCode, "NotAuthenticated");
          return true;
        },
      );
      assert.match(oci.stack.oci.requests.at(-1)?.authFailure ?? "", /session token expired/);
    } finally {
      domain.clockOffsetMs = 0;
      client.close();
    }

    const keyPem = await readFile(main.outputs["key-file"] ?? "", "utf8");
    const posts = await job.runPosts();
    assert.ok(posts.every((p) => p.exitCode === 0));
    const everything =
      [main, ...posts].map((r) => visibleOutput(r.stdout) + r.stderr + r.summary).join("\n") +
      (await job.allWrittenText());
    // The UPST, the session key, the client secret, and every mask (the GitHub OIDC token among them).
    const secrets = [token, keyPem, trust.clientSecret, ...main.masks.filter((mask) => mask.length >= 8)];
    assert.deepEqual(secretsFound(everything, secrets), []);
    assert.deepEqual(await job.snapshot(), before, "no file left behind in HOME or RUNNER_TEMP");
  });
});

/** A refusal the identity domain sends: the inputs (of the trust the case sets up), the job's GitHub OIDC, the line. */
interface Refusal {
  name: string;
  inputs: () => Record<string, string>;
  /** The repository the job's GitHub OIDC token names, if not REPOSITORY. */
  repository?: string;
  /** The identity domain's clock moved forward for the case. */
  clockOffsetMs?: number;
  message: string | RegExp;
}

const trustWith = (options: { grantTypes?: string[]; trust?: boolean }) =>
  trustGithubRepository(oci.stack, {
    tenancyId: oci.tenancyId,
    userId: oci.userId,
    repository: REPOSITORY,
    ...options,
  });

const REFUSALS: Refusal[] = [
  {
    name: "a wrong client secret: invalid_client, naming client-id/client-secret",
    inputs: () => trust.inputs({ "client-secret": "not-the-secret-0123456789" }),
    message:
      /^client-id\/client-secret \(oci-client-id\/oci-client-secret in the root action\): the identity domain refused OAuth client fngate-ci-\d+-\d+ \(invalid_client: Client authentication failed\.\); use the integrated application's client ID and its current client secret/,
  },
  {
    name: "an application not allowed the token exchange grant: unauthorized_client",
    inputs: () => trustWith({ grantTypes: ["client_credentials"] }).inputs(),
    message:
      /^client-id \(oci-client-id in the root action\): the identity domain does not let application .* exchange tokens \(unauthorized_client: .*\); enable the "Token exchange" grant type/,
  },
  {
    name: "no identity propagation trust for GitHub's issuer",
    inputs: () => trustWith({ trust: false }).inputs(),
    message:
      /^auth: oidc: token exchange is not configured for GitHub's tokens in this identity domain \(invalid_request: No identity propagation trust for issuer https:\/\/127\.0\.0\.1:\d+ is configured for client .*\); create an identity propagation trust of type JWT/,
  },
  {
    name: "an audience the trust does not list",
    inputs: () => trust.inputs({ "oidc-audience": "api://somewhere-else" }),
    message:
      /^oidc-audience "api:\/\/somewhere-else" is not trusted by the identity domain \(invalid_grant: The subject token audience api:\/\/somewhere-else is not trusted\.\); set oidc-audience to an audience/,
  },
  {
    name: "a repository the trust maps to no user",
    inputs: () => trust.inputs(),
    repository: "ORG/OTHER",
    message:
      /^auth: oidc: the identity propagation trust does not map this workflow to a user \(invalid_grant: No impersonation rule of the trust matches subject repo:ORG\/OTHER:ref:refs\/heads\/main\.\)/,
  },
  {
    name: "an expired GitHub token",
    inputs: () => trust.inputs(),
    clockOffsetMs: 10 * 60_000,
    message:
      /^auth: oidc: the identity domain refused the GitHub OIDC token as expired \(invalid_grant: The subject token has expired\.\); the token lives 5 minutes/,
  },
];

describe("fn-context auth: oidc explains every refusal", () => {
  for (const refusal of REFUSALS) {
    it(refusal.name, async () => {
      const { repository = REPOSITORY } = refusal;
      const oidc = oci.stack.githubOidc.envFor({ repository, ref: "refs/heads/main" });
      await using job = await Job.create({ env: { ...oci.env, ...oidc } });
      const domain = identityDomainOf(oci.stack.oci.state);
      domain.clockOffsetMs = refusal.clockOffsetMs ?? 0;
      try {
        const before = await job.snapshot();
        const run = await job.run("fn-context", { inputs: refusal.inputs() });
        await job.runPosts();
        assert.deepEqual(await job.snapshot(), before, "nothing left behind");
        assertUserFailure(run, refusal.message, [trust.clientSecret]);
        assert.deepEqual(run.outputs, {});
      } finally {
        domain.clockOffsetMs = 0;
      }
    });
  }
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
    const tokens = fx.oci.stack.oci.registryTokens;
    const issuedBefore = tokens.issued.length;
    const realmBefore = tokens.realmLog.length;
    await using job = await fx.job();
    const before = await job.snapshot();
    const callsBefore = signedCalls().length;
    const run = passed(await job.run(PIPELINE, { inputs }));
    assert.equal(run.outputs.passed, "true");
    assert.match(run.outputs.url ?? "", /\/oidc1\/hello$/);
    const calls = signedCalls().slice(callsBefore);
    assert.ok(calls.length >= 5, `signed OCI calls made: ${calls.length}`);
    for (const call of calls) {
      assert.ok(call.keyId?.startsWith("ST$"), `${call.operation} signed with ${call.keyId?.slice(0, 40)}`);
      assert.equal(call.authFailure, undefined, `${call.operation} authenticated`);
    }
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
