// The entra-token action, run as the runner runs it, against the Entra emulator and the GitHub OIDC
// issuer: each credential kind gets a token whose claims reach the outputs, and no secret (client
// secret, certificate key, GitHub OIDC token, access token) shows anywhere but the masked output. Its
// failures: every refusal Entra sends for a credential users get wrong comes out as one error line
// naming the input and the fix, with no stack trace and no secret in the log (through the runner where
// the job's environment matters, else the action's reader and step in process). The input it refuses
// before calling Entra: test/entra-token-decisions.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Application } from "./emulators/entra/directory.ts";
import { createSelfSignedCert, type SelfSignedCert } from "./emulators/entra/self-signed-cert.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { assertUserFailure, type ExpectedMessage, Job, type StepResult } from "./runner/index.ts";
import { closedPort } from "./support/closed-port.ts";
import { actionVerdict } from "./support/input-table.ts";
import { passed } from "./support/passed.ts";
import { secretsFound, shownByStep, visibleOutput } from "./support/secret-scan.ts";

const SECRET = "s3cr3t~Value.With-Chars_0123456789";
const WRONG_SECRET = "wrong~Secret.Value_0123456789abcdef";
const EXPIRED_SECRET = "expired~Secret.Value_0123456789abcd";
const REPOSITORY = "ORG/REPO";
let stack: EmulatorStack;
let tenantId: string;
let apiV1: Application;
let apiV2: Application;
let client: Application;
let expiredClient: Application;
let cert: SelfSignedCert;
let otherCert: SelfSignedCert;

before(async () => {
  stack = await startEmulatorStack();
  trustCaInProcess(stack.caPem);
  [cert, otherCert] = await Promise.all([createSelfSignedCert("fngate-ci"), createSelfSignedCert("other")]);
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
  expiredClient = stack.entra.addClientApp(tenantId, {
    secrets: [{ value: EXPIRED_SECRET, expiresAt: new Date(Date.now() - 86_400_000) }],
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

/** One entra-token step in a job of its own; with debug logging MSAL's log is in the output too. */
async function runEntraToken(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {},
  debug = true,
) {
  await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: stack.caFile, ...env }, debug });
  return await job.run("entra-token", { inputs });
}

function assertNothingLeaked(run: StepResult, secrets: string[]): void {
  const token = run.outputs["access-token"] ?? "";
  assert.ok(run.masks.includes(token), "the access token is masked");
  // Everything the step masked (the GitHub OIDC token among it) plus the inputs' secrets.
  const found = secretsFound(shownByStep(run, ["access-token"]), [...secrets, token, ...run.masks]);
  assert.deepEqual(found, [], "a secret shows in what the job wrote");
}

/** The step failed under the failure contract, with `message`, no outputs and no secret shown. */
function failure(run: StepResult, message: ExpectedMessage): void {
  const secrets = [SECRET, WRONG_SECRET, EXPIRED_SECRET, cert.privateKeyPem, otherCert.privateKeyPem];
  assertUserFailure(run, message, secrets);
  assert.deepEqual(run.outputs, {});
}

describe("entra-token gets a token", () => {
  it("with a client secret, a v1 token: v1 issuer, Application ID URI audience, the granted roles; a busy Entra's 503 and 429 retried, and said so", async () => {
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

  it("with a certificate and its key (SHA-256 thumbprint), a v2 token, which passes the expected issuer and audience checks", async () => {
    const v2Issuer = stack.entra.issuerV2(tenantId);
    const run = passed(
      await runEntraToken(
        baseInputs({
          "client-certificate": cert.certPem,
          "client-certificate-key": cert.privateKeyPem,
          scope: "api://my-oci-api-v2/.default",
          "expected-issuer": `${stack.entra.issuerV1(tenantId)}\n${v2Issuer}`,
          "expected-audience": `api://my-oci-api-v2, ${apiV2.appId}`,
        }),
      ),
    );
    assert.equal(run.outputs.issuer, v2Issuer);
    assert.equal(run.outputs.audience, apiV2.appId);
    assert.equal(run.outputs.version, "2.0");
    assert.equal(run.outputs.roles, "Invoke");
    assert.match(run.summary, /client certificate/);
    assertNothingLeaked(run, [cert.privateKeyPem]);
  });

  it("with GitHub OIDC federation: exchanges the job's GitHub token (audience api://AzureADTokenExchange) for an access token", async () => {
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

describe("entra-token explains what Entra refuses", () => {
  /**
   * What the user gives (over the client secret), the one line they read, and for the cases that need
   * the job's environment (GitHub OIDC, no CA file), that env: those run as the runner runs them, the
   * others in process (actionVerdict: the action's reader, then its step against the emulator).
   */
  interface Refusal {
    given: () => Promise<Record<string, string>> | Record<string, string>;
    env?: () => Record<string, string | undefined>;
    message: ExpectedMessage;
    /** Refused before any request to Entra. */
    beforeEntra?: true;
  }
  const secret =
    (overrides: Record<string, string> = {}) =>
    () => ({ "client-secret": SECRET, ...overrides });
  const cases: Record<string, Refusal> = {
    "a certificate key that is not the certificate's: no call, no key in the line": {
      given: () => ({
        "client-certificate": cert.certPem,
        "client-certificate-key": otherCert.privateKeyPem,
      }),
      message: /^client-certificate-key does not belong to client-certificate: /,
      beforeEntra: true,
    },
    "an expired client secret: AADSTS7000222": {
      given: () => ({ "client-id": expiredClient.appId, "client-secret": EXPIRED_SECRET }),
      message:
        /^client-secret: Entra refused the token request: AADSTS7000222: the client secret has expired/,
    },
    "a scope whose resource is not in the tenant: AADSTS500011, naming scope": {
      given: secret({ scope: "api://no-such-api/.default" }),
      message: /^scope: Entra refused the token request: AADSTS500011: the resource in scope is not found/,
    },
    "an unknown tenant: AADSTS90002, naming tenant-id": {
      given: secret({ "tenant-id": "00000000-0000-4000-8000-000000000000" }),
      message: /^tenant-id: Entra refused the token request: AADSTS90002: the tenant does not exist/,
    },
    "an authority-host nothing listens on: not reachable": {
      given: async () => ({ "client-secret": SECRET, "authority-host": `127.0.0.1:${await closedPort()}` }),
      message: /^authority-host 127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\): check authority-host/,
    },
    "an authority-host whose CA is not trusted: points at NODE_EXTRA_CA_CERTS": {
      given: secret(),
      // No CA file in the job: the emulator's certificate is one Node does not trust.
      env: () => ({ NODE_EXTRA_CA_CERTS: undefined }),
      message:
        /^authority-host 127\.0\.0\.1:\d+: its TLS certificate is not trusted \(\w+\): for a private CA, point NODE_EXTRA_CA_CERTS at it\.$/,
    },
    // In process the job has no ACTIONS_ID_TOKEN_REQUEST_* (the runner sets them with the permission).
    "federated without id-token: write: the permission to add": {
      given: () => ({ federated: "true" }),
      message: "federated: true needs `permissions: id-token: write` in the workflow or job.",
    },
    "federated when the runner refuses the OIDC token request: the request failure, one line": {
      given: () => ({ federated: "true" }),
      env: () => stack.githubOidc.envFor({ repository: "ORG/REPO" }, { badRequestToken: true }),
      message:
        /^federated: the GitHub OIDC token request failed \(.*401.*\): check that the job has `permissions: id-token: write`\.$/,
    },
    "federated from another repository: AADSTS70021, with the subject the credential must match": {
      given: () => ({ federated: "true" }),
      env: () => stack.githubOidc.envFor({ repository: "ORG/OTHER" }),
      message:
        /^federated: Entra refused the GitHub OIDC token: AADSTS70021: no federated identity credential matches .*; the GitHub token's subject is repo:ORG\/OTHER:ref:refs\/heads\/main and its audience api:\/\/AzureADTokenExchange: add a federated credential with exactly that subject/,
    },
    "expected-issuer v2 while the API app issues v1 tokens: the accessTokenAcceptedVersion fix": {
      given: () => ({ "client-secret": SECRET, "expected-issuer": stack.entra.issuerV2(tenantId) }),
      message:
        /^expected-issuer: the token is v1 with issuer https:\/\/sts\.windows\.net\/.*but https:\/\/.*\/v2\.0 is expected: set accessTokenAcceptedVersion=2 in the API app registration's manifest/,
    },
    "expected-audience the API's client id while v1 tokens carry its URI: which form each version carries": {
      given: () => ({ "client-secret": SECRET, "expected-audience": apiV1.appId }),
      message:
        /^expected-audience: the token's audience is api:\/\/my-oci-api, but [0-9a-f-]+ is expected \(v1 tokens carry the API app's Application ID URI/,
    },
  };

  it("a wrong client secret: AADSTS7000215, naming client-secret, without retrying", async () => {
    const before = stack.entra.requests.length;
    failure(
      await runEntraToken(baseInputs({ "client-secret": WRONG_SECRET }), {}, false),
      /^client-secret: Entra refused the token request: AADSTS7000215: the client secret is wrong \(check that the secret's Value, not its ID/,
    );
    const tokenCalls = stack.entra.requests.slice(before).filter((r) => r.path.endsWith("/token"));
    assert.deepEqual(
      tokenCalls.map((r) => r.status),
      [401],
    );
  });
  for (const [name, { given, env, message, beforeEntra }] of Object.entries(cases)) {
    it(name, async () => {
      const inputs = baseInputs(await given());
      if (env) return failure(await runEntraToken(inputs, env(), false), message);
      const requests = stack.entra.requests.length;
      const verdict = await actionVerdict("entra-token", { inputs });
      assert.ok(verdict.outcome === "refused", `refused: ${JSON.stringify(verdict)}`);
      if (typeof message === "string") assert.equal(verdict.line, message);
      else assert.match(verdict.line, message);
      assert.doesNotMatch(verdict.line, /[\r\n]/);
      const secrets = [SECRET, EXPIRED_SECRET, otherCert.privateKeyPem];
      assert.deepEqual(secretsFound(verdict.line, secrets), []);
      if (beforeEntra) assert.equal(stack.entra.requests.length, requests, "Entra was not called");
    });
  }
});
