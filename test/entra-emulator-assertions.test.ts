// Client assertions against the Entra emulator with the real MSAL: a certificate credential
// (MSAL signs the assertion itself) and workload identity federation with a GitHub Actions OIDC
// token fetched by the real @actions/core getIDToken from the local GitHub issuer.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { AuthError } from "@azure/msal-node";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { type EntraFixture, startEntraFixture } from "./emulators/entra/fixture.ts";
import { createSelfSignedCert, type SelfSignedCert } from "./emulators/entra/self-signed-cert.ts";
import type { GithubJob } from "./emulators/github-oidc/claims.ts";

const execFileAsync = promisify(execFile);
const EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
const SCOPE = "api://my-oci-api/.default";
const JOB: GithubJob = { repository: "acme/fn-api", ref: "refs/heads/main", workflow: "deploy" };

async function rejectsWithAadsts(promise: Promise<unknown>, aadsts: number) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AuthError, `expected an MSAL AuthError, got ${String(error)}`);
    assert.match(error.errorMessage, new RegExp(`AADSTS${aadsts}:`));
    return true;
  });
}

/** Runs @actions/core getIDToken in a child process with a step's environment, as an action would. */
async function getIdTokenInStep(env: Record<string, string>, caFile: string): Promise<string> {
  const script = [
    'import { getIDToken } from "@actions/core";',
    "const token = await getIDToken(process.env.AUDIENCE);",
    'process.stdout.write("\\nTOKEN " + token + "\\n");',
  ].join("\n");
  const { stdout } = await execFileAsync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? "", NODE_EXTRA_CA_CERTS: caFile, AUDIENCE: EXCHANGE_AUDIENCE, ...env },
    timeout: 60_000,
  });
  const token = /^TOKEN (.+)$/m.exec(stdout)?.[1];
  if (!token) throw new Error(`no token in output: ${stdout}`);
  // getIDToken masks the token before anything else, as the runner contract requires.
  assert.ok(stdout.includes(`::add-mask::${token}`));
  return token;
}

describe("Entra emulator: client assertions", () => {
  let fx: EntraFixture;
  let cert: SelfSignedCert;

  before(async () => {
    fx = await startEntraFixture();
    cert = await createSelfSignedCert("client-app-b");
  });

  after(async () => {
    await fx.close();
  });

  test("a registered certificate gets a token (appidacr 2)", async () => {
    const client = fx.entra.addClientApp(fx.tenantId, {
      certificates: [{ pem: cert.certPem }],
      roleAssignments: [{ resourceAppId: fx.apiV1.appId, role: "Invoke" }],
    });
    const msal = fx.msal(client.appId, {
      clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.privateKeyPem },
    });
    const result = await msal.acquireTokenByClientCredential({ scopes: [SCOPE] });
    const { payload } = await jwtVerify(
      result?.accessToken ?? "",
      createRemoteJWKSet(new URL(fx.entra.jwksUri(fx.tenantId))),
      { issuer: fx.entra.issuerV1(fx.tenantId), audience: "api://my-oci-api" },
    );
    assert.equal(payload.appid, client.appId);
    assert.equal(payload.appidacr, "2");
    assert.deepEqual(payload.roles, ["Invoke"]);
    // A second request (cache skipped) reuses MSAL's cached assertion, which Entra accepts.
    await msal.acquireTokenByClientCredential({ scopes: [SCOPE], skipCache: true });
  });

  test("an unregistered certificate is AADSTS700027", async () => {
    const other = await createSelfSignedCert("someone-else");
    const client = fx.entra.addClientApp(fx.tenantId, { certificates: [{ pem: cert.certPem }] });
    const msal = fx.msal(client.appId, {
      clientCertificate: { thumbprintSha256: other.thumbprintSha256, privateKey: other.privateKeyPem },
    });
    await rejectsWithAadsts(msal.acquireTokenByClientCredential({ scopes: [SCOPE] }), 700027);
    // The right thumbprint with the wrong key fails signature validation.
    const forged = fx.msal(client.appId, {
      clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: other.privateKeyPem },
    });
    await rejectsWithAadsts(forged.acquireTokenByClientCredential({ scopes: [SCOPE] }), 700027);
  });

  test("a GitHub OIDC token from getIDToken federates into an access token", async () => {
    const client = fx.entra.addClientApp(fx.tenantId, {
      federatedCredentials: [{ issuer: fx.github.issuer, subject: "repo:acme/fn-api:ref:refs/heads/main" }],
      roleAssignments: [{ resourceAppId: fx.apiV2.appId, role: "Invoke" }],
    });
    const githubToken = await getIdTokenInStep(fx.github.envFor(JOB), fx.tls.caFile);
    const { payload: github } = await jwtVerify(githubToken, createRemoteJWKSet(new URL(fx.github.jwksUri)), {
      issuer: fx.github.issuer,
      audience: EXCHANGE_AUDIENCE,
    });
    assert.equal(github.sub, "repo:acme/fn-api:ref:refs/heads/main");
    assert.equal(github.repository, "acme/fn-api");
    assert.equal(github.job_workflow_ref, "acme/fn-api/.github/workflows/deploy.yml@refs/heads/main");

    const msal = fx.msal(client.appId, { clientAssertion: async () => githubToken });
    const result = await msal.acquireTokenByClientCredential({ scopes: ["api://my-oci-api-v2/.default"] });
    const { payload } = await jwtVerify(
      result?.accessToken ?? "",
      createRemoteJWKSet(new URL(fx.entra.jwksUri(fx.tenantId))),
      { issuer: fx.entra.issuerV2(fx.tenantId), audience: fx.apiV2.appId },
    );
    assert.equal(payload.azp, client.appId);
    assert.equal(payload.azpacr, "2");
    assert.deepEqual(payload.roles, ["Invoke"]);
  });

  test("a token for another branch or audience has no federated match (AADSTS70021)", async () => {
    const client = fx.entra.addClientApp(fx.tenantId, {
      federatedCredentials: [{ issuer: fx.github.issuer, subject: "repo:acme/fn-api:environment:prod" }],
    });
    const branchToken = await fx.github.mint({ ...JOB, ref: "refs/heads/feature" }, EXCHANGE_AUDIENCE);
    await rejectsWithAadsts(
      fx.msal(client.appId, { clientAssertion: async () => branchToken }).acquireTokenByClientCredential({
        scopes: [SCOPE],
      }),
      70021,
    );
    const wrongAudience = await fx.github.mint({ ...JOB, environment: "prod" }, "api://something-else");
    await rejectsWithAadsts(
      fx.msal(client.appId, { clientAssertion: async () => wrongAudience }).acquireTokenByClientCredential({
        scopes: [SCOPE],
      }),
      70021,
    );
    const prodToken = await fx.github.mint({ ...JOB, environment: "prod" }, EXCHANGE_AUDIENCE);
    const ok = await fx
      .msal(client.appId, { clientAssertion: async () => prodToken })
      .acquireTokenByClientCredential({ scopes: [SCOPE] });
    assert.ok(ok?.accessToken);
  });

  test("an expired or unknown-issuer GitHub token is refused", async () => {
    const client = fx.entra.addClientApp(fx.tenantId, {
      federatedCredentials: [{ issuer: fx.github.issuer, subject: "repo:acme/fn-api:ref:refs/heads/main" }],
    });
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await fx.github.mint(
      { ...JOB, claims: { iat: past, nbf: past, exp: past + 300 } },
      EXCHANGE_AUDIENCE,
    );
    await rejectsWithAadsts(
      fx.msal(client.appId, { clientAssertion: async () => expired }).acquireTokenByClientCredential({
        scopes: [SCOPE],
      }),
      700024,
    );
    const foreign = await fx.github.mint(
      { ...JOB, claims: { iss: "https://token.actions.githubusercontent.com" } },
      EXCHANGE_AUDIENCE,
    );
    await rejectsWithAadsts(
      fx.msal(client.appId, { clientAssertion: async () => foreign }).acquireTokenByClientCredential({
        scopes: [SCOPE],
      }),
      700211,
    );
  });

  test("the token request endpoint needs id-token: write and the job's request token", async () => {
    await assert.rejects(
      getIdTokenInStep(fx.github.envFor(JOB, { idTokenWrite: false }), fx.tls.caFile),
      /Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable/,
    );
    await assert.rejects(
      getIdTokenInStep(fx.github.envFor(JOB, { badRequestToken: true }), fx.tls.caFile),
      /Error Code : 401/,
    );
    assert.equal(fx.github.requests.at(-1)?.status, 401);
  });
});
