// The entra-token action's failures, run as the runner runs it: bad input and every refusal Entra
// sends for a credential users get wrong come out as one error line naming the input and the fix,
// with no stack trace and no secret in the log.
import assert from "node:assert/strict";
import { type AddressInfo, createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Application } from "./emulators/entra/directory.ts";
import { createSelfSignedCert, type SelfSignedCert } from "./emulators/entra/self-signed-cert.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { assertUserFailure, type ExpectedMessage, Job, type StepResult } from "./runner/index.ts";
import { actionRefusal, actionVerdict, tripwire } from "./support/input-table.ts";

const SECRET = "right~Secret.Value_0123456789abcdef";
const WRONG_SECRET = "wrong~Secret.Value_0123456789abcdef";
const EXPIRED_SECRET = "expired~Secret.Value_0123456789abcd";
let stack: EmulatorStack;
let tenantId: string;
let api: Application;
let client: Application;
let expiredClient: Application;
let cert: SelfSignedCert;
let otherCert: SelfSignedCert;

before(async () => {
  stack = await startEmulatorStack();
  [cert, otherCert] = await Promise.all([createSelfSignedCert("fngate-ci"), createSelfSignedCert("other")]);
  tenantId = stack.entra.addTenant();
  api = stack.entra.addApiApp(tenantId, {
    identifierUris: ["api://my-oci-api"],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }],
  });
  client = stack.entra.addClientApp(tenantId, {
    secrets: [{ value: SECRET }],
    certificates: [{ pem: cert.certPem }],
    federatedCredentials: [{ issuer: stack.githubOidc.issuer, subject: "repo:ORG/REPO:ref:refs/heads/main" }],
    roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
  });
  expiredClient = stack.entra.addClientApp(tenantId, {
    secrets: [{ value: EXPIRED_SECRET, expiresAt: new Date(Date.now() - 86_400_000) }],
  });
});
after(async () => {
  await stack?.close();
});

function inputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "tenant-id": tenantId,
    "client-id": client.appId,
    scope: "api://my-oci-api/.default",
    "authority-host": stack.entra.host,
    ...overrides,
  };
}

async function runEntraToken(given: Record<string, string>, env: Record<string, string | undefined> = {}) {
  await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: stack.caFile, ...env } });
  return await job.run("entra-token", { inputs: given });
}

/** The step failed under the failure contract, with `message`, no outputs and no secret shown. */
function failure(run: StepResult, message: ExpectedMessage): void {
  const secrets = [SECRET, WRONG_SECRET, EXPIRED_SECRET, cert.privateKeyPem, otherCert.privateKeyPem];
  assertUserFailure(run, message, secrets);
  assert.deepEqual(run.outputs, {});
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("entra-token refuses bad input before calling Entra", () => {
  // Every check before the first call: Entra's address is the tripwire's.
  const offline = async (given: Record<string, string>) => ({
    ...inputs(given),
    "authority-host": (await tripwire()).host,
  });
  const cases: Record<string, [() => Record<string, string>, RegExp]> = {
    "no credential": [
      () => ({}),
      /^no credential given: set exactly one of client-secret, client-certificate/,
    ],
    "two credentials": [
      () => ({ "client-secret": SECRET, federated: "true" }),
      /^client-secret and federated: true are both set: keep exactly one credential\.$/,
    ],
    "a client-id that is not a GUID": [
      () => ({ "client-secret": SECRET, "client-id": "my-app" }),
      /^client-id "my-app" is not a GUID: copy the Application \(client\) ID/,
    ],
    "a tenant-id that is neither GUID nor domain": [
      () => ({ "client-secret": SECRET, "tenant-id": "not a tenant" }),
      /^tenant-id "not a tenant" is neither a GUID nor a domain name/,
    ],
    "a scope without /.default": [
      () => ({ "client-secret": SECRET, scope: "api://my-oci-api/Invoke" }),
      /^scope "api:\/\/my-oci-api\/Invoke" must end in \/\.default: .*\(e\.g\. api:\/\/my-oci-api\/\.default\)/,
    ],
    "a certificate without its key": [
      () => ({ "client-certificate": cert.certPem }),
      /^client-certificate is set without client-certificate-key: /,
    ],
  };

  it("the inputs the cases start from pass every check", async () => {
    const verdict = await actionVerdict("entra-token", {
      inputs: await offline({ "client-secret": SECRET }),
    });
    assert.equal(verdict.outcome, "accepted");
    assert.ok(verdict.masks.includes(SECRET), "client-secret is masked");
  });
  for (const [name, [overrides, expected]] of Object.entries(cases)) {
    it(name, async () => {
      assert.match(await actionRefusal("entra-token", { inputs: await offline(overrides()) }), expected);
    });
  }

  it("as the runner runs it: a key that is not the certificate's, no call and no key in the log", async () => {
    const before = stack.entra.requests.length;
    const given = { "client-certificate": cert.certPem, "client-certificate-key": otherCert.privateKeyPem };
    failure(
      await runEntraToken(inputs(given)),
      /^client-certificate-key does not belong to client-certificate: /,
    );
    assert.equal(stack.entra.requests.length, before, "Entra was not called");
  });
});

describe("entra-token explains what Entra refuses", () => {
  /** What the user gives (over the client secret), the job's env, and the one line they read. */
  interface Refusal {
    given: () => Promise<Record<string, string>> | Record<string, string>;
    env?: () => Record<string, string | undefined>;
    message: ExpectedMessage;
  }
  const secret =
    (overrides: Record<string, string> = {}) =>
    () => ({ "client-secret": SECRET, ...overrides });
  const cases: Record<string, Refusal> = {
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
    "federated without id-token: write: the permission to add": {
      given: () => ({ federated: "true" }),
      env: () => stack.githubOidc.envFor({ repository: "ORG/REPO" }, { idTokenWrite: false }),
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
      given: () => ({ "client-secret": SECRET, "expected-audience": api.appId }),
      message:
        /^expected-audience: the token's audience is api:\/\/my-oci-api, but [0-9a-f-]+ is expected \(v1 tokens carry the API app's Application ID URI/,
    },
  };

  it("a wrong client secret: AADSTS7000215, naming client-secret, without retrying", async () => {
    const before = stack.entra.requests.length;
    failure(
      await runEntraToken(inputs({ "client-secret": WRONG_SECRET })),
      /^client-secret: Entra refused the token request: AADSTS7000215: the client secret is wrong \(check that the secret's Value, not its ID/,
    );
    const tokenCalls = stack.entra.requests.slice(before).filter((r) => r.path.endsWith("/token"));
    assert.deepEqual(
      tokenCalls.map((r) => r.status),
      [401],
    );
  });
  for (const [name, { given, env, message }] of Object.entries(cases)) {
    it(name, async () => failure(await runEntraToken(inputs(await given()), env?.()), message));
  }
});
