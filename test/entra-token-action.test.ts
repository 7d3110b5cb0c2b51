// The entra-token action, run as the runner runs it, against the Entra emulator and the GitHub OIDC
// issuer: each credential kind gets a token whose claims reach the outputs, and no secret (client
// secret, certificate key, GitHub OIDC token, access token) shows anywhere but the masked output.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Application } from "./emulators/entra/directory.ts";
import { createSelfSignedCert, type SelfSignedCert } from "./emulators/entra/self-signed-cert.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { Job, type StepResult } from "./runner/index.ts";
import { passed } from "./support/passed.ts";
import { secretsFound, shownByStep, visibleOutput } from "./support/secret-scan.ts";

const SECRET = "s3cr3t~Value.With-Chars_0123456789";
const REPOSITORY = "ORG/REPO";
let stack: EmulatorStack;
let tenantId: string;
let apiV1: Application;
let apiV2: Application;
let client: Application;
let cert: SelfSignedCert;

before(async () => {
  stack = await startEmulatorStack();
  cert = await createSelfSignedCert("fngate-ci");
  tenantId = stack.entra.addTenant();
  apiV1 = stack.entra.addApiApp(tenantId, {
    identifierUris: ["api://my-oci-api"],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }, { value: "Admin" }],
  });
  apiV2 = stack.entra.addApiApp(tenantId, {
    identifierUris: ["api://my-oci-api-v2"],
    accessTokenAcceptedVersion: 2,
    appRoles: [{ value: "Invoke" }],
  });
  client = stack.entra.addClientApp(tenantId, {
    secrets: [{ value: SECRET }],
    certificates: [{ pem: cert.certPem }],
    federatedCredentials: [
      { issuer: stack.githubOidc.issuer, subject: `repo:${REPOSITORY}:ref:refs/heads/main` },
    ],
    roleAssignments: [
      { resourceAppId: apiV1.appId, role: "Invoke" },
      { resourceAppId: apiV1.appId, role: "Admin" },
      { resourceAppId: apiV2.appId, role: "Invoke" },
    ],
  });
});
after(async () => {
  await stack?.close();
});

function baseInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "tenant-id": tenantId,
    "client-id": client.appId,
    scope: "api://my-oci-api/.default",
    "authority-host": stack.entra.host,
    ...overrides,
  };
}

/** One entra-token step in a job of its own, with debug logging on so MSAL's log is in the output too. */
async function runEntraToken(inputs: Record<string, string>, env: Record<string, string> = {}) {
  await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: stack.caFile, ...env }, debug: true });
  return await job.run("entra-token", { inputs });
}

function assertNothingLeaked(run: StepResult, secrets: string[]): void {
  const token = run.outputs["access-token"] ?? "";
  assert.ok(run.masks.includes(token), "the access token is masked");
  // Everything the step masked (the GitHub OIDC token among it) plus the inputs' secrets.
  const found = secretsFound(shownByStep(run, ["access-token"]), [...secrets, token, ...run.masks]);
  assert.deepEqual(found, [], "a secret shows in what the job wrote");
}

describe("entra-token with a client secret", () => {
  it("gets a v1 token: v1 issuer, Application ID URI audience, the granted roles", async () => {
    const run = passed(await runEntraToken(baseInputs({ "client-secret": SECRET })));
    const { "access-token": token, "expires-on": expiresOn, ...claims } = run.outputs;
    assert.deepEqual(claims, {
      issuer: `https://sts.windows.net/${tenantId}/`,
      audience: "api://my-oci-api",
      version: "1.0",
      roles: "Invoke,Admin",
      "tenant-id": tenantId,
    });
    assert.match(token ?? "", /^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(Date.parse(expiresOn ?? "") > Date.now(), `expires-on ${expiresOn}`);
    assert.match(run.summary, /Entra access token/);
    assert.match(run.summary, /client secret/);
    assertNothingLeaked(run, [SECRET]);
  });

  it("gets a v2 token, and passes the expected issuer and audience checks", async () => {
    const v2Issuer = stack.entra.issuerV2(tenantId);
    const run = await runEntraToken(
      baseInputs({
        "client-secret": SECRET,
        scope: "api://my-oci-api-v2/.default",
        "expected-issuer": `${stack.entra.issuerV1(tenantId)}\n${v2Issuer}`,
        "expected-audience": `api://my-oci-api-v2, ${apiV2.appId}`,
      }),
    );
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.issuer, v2Issuer);
    assert.equal(run.outputs.audience, apiV2.appId);
    assert.equal(run.outputs.version, "2.0");
    assert.equal(run.outputs.roles, "Invoke");
    assertNothingLeaked(run, [SECRET]);
  });
});

describe("entra-token with a certificate", () => {
  it("gets a token with the certificate and its key (SHA-256 thumbprint)", async () => {
    const run = await runEntraToken(
      baseInputs({ "client-certificate": cert.certPem, "client-certificate-key": cert.privateKeyPem }),
    );
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.version, "1.0");
    assert.equal(run.outputs.roles, "Invoke,Admin");
    assert.match(run.summary, /client certificate/);
    assertNothingLeaked(run, [cert.privateKeyPem]);
  });
});

describe("entra-token with GitHub OIDC federation", () => {
  it("exchanges the job's GitHub token (audience api://AzureADTokenExchange) for an access token", async () => {
    const before = stack.githubOidc.requests.length;
    const env = stack.githubOidc.envFor({ repository: REPOSITORY });
    const run = passed(await runEntraToken(baseInputs({ federated: "true" }), env));
    assert.equal(run.outputs.audience, "api://my-oci-api");
    assert.match(run.summary, /GitHub OIDC/);
    const requests = stack.githubOidc.requests.slice(before);
    assert.deepEqual(
      requests.map((r) => [r.status, r.audience]),
      [[200, "api://AzureADTokenExchange"]],
    );
    assert.ok(run.masks.length >= 2, "both the GitHub token and the access token are masked");
    assertNothingLeaked(run, [env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ""]);
  });
});

describe("entra-token when Entra is busy", () => {
  it("retries a 503 and a 429 from the token endpoint, and says so", async () => {
    stack.entra.faults.next(1, { status: 503 });
    stack.entra.faults.next(1, { status: 429, retryAfter: 1 });
    const before = stack.entra.requests.length;
    const run = passed(await runEntraToken(baseInputs({ "client-secret": SECRET })));
    const tokenCalls = stack.entra.requests
      .slice(before)
      .filter((r) => r.path.endsWith("/oauth2/v2.0/token"));
    assert.deepEqual(
      tokenCalls.map((r) => r.status),
      [503, 429, 200],
    );
    assert.match(
      visibleOutput(run.stdout),
      /Entra did not answer the token request \(HTTP 503, AADSTS90033\); retrying\./,
    );
    assertNothingLeaked(run, [SECRET]);
  });
});
