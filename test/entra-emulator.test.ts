// The Entra emulator (in the emulator stack) against the real @azure/msal-node client and jose. Client-secret tokens carry
// the v1/v2 claims real Entra issues and verify against the served JWKS; a certificate credential
// (MSAL signs the assertion itself) and workload identity federation with a GitHub Actions OIDC token
// fetched by the real @actions/core getIDToken from the local GitHub issuer get tokens too; every
// failure reaches MSAL as the AADSTS error Entra sends. The JWKS looks like Entra's (kid = x5t, x5c
// certificate), rotation keeps old tokens valid until their key is retired, and minted tokens (the
// inputs of the gateway tests) fail jose verification for exactly the property they break.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createPublicKey, X509Certificate } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { AuthError, ConfidentialClientApplication } from "@azure/msal-node";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTVerifyOptions,
  jwtVerify,
} from "jose";
import type { Application } from "./emulators/entra/directory.ts";
import { createSelfSignedCert, type SelfSignedCert } from "./emulators/entra/self-signed-cert.ts";
import type { JwkEntry } from "./emulators/entra/signing-keys.ts";
import type { GithubJob } from "./emulators/github-oidc/claims.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";

const execFileAsync = promisify(execFile);
const EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
const SCOPE = "api://my-oci-api/.default";
const SCOPE_V2 = "api://my-oci-api-v2/.default";
const JOB: GithubJob = { repository: "acme/fn-api", ref: "refs/heads/main", workflow: "deploy" };
const SECRET = "client-secret-value";

let stack: EmulatorStack;
let tenantId: string;
/** The seed's API: accessTokenAcceptedVersion 1, api://my-oci-api, app role "Invoke". */
let apiV1: Application;
/** accessTokenAcceptedVersion 2, api://my-oci-api-v2, app role "Invoke". */
let apiV2: Application;
let client: Application;
let cert: SelfSignedCert;

before(async () => {
  stack = await startEmulatorStack();
  tenantId = stack.entra.addTenant();
  apiV1 = stack.entra.addApiApp(tenantId, {
    displayName: "oci-app",
    identifierUris: ["api://my-oci-api"],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }, { value: "Admin" }],
  });
  apiV2 = stack.entra.addApiApp(tenantId, {
    displayName: "oci-app-v2",
    identifierUris: ["api://my-oci-api-v2"],
    accessTokenAcceptedVersion: 2,
    appRoles: [{ value: "Invoke" }],
  });
  cert = await createSelfSignedCert("client-app-b");
  client = stack.entra.addClientApp(tenantId, {
    displayName: "client-app-a",
    secrets: [{ value: SECRET }],
    roleAssignments: [
      { resourceAppId: apiV1.appId, role: "Invoke" },
      { resourceAppId: apiV2.appId, role: "Invoke" },
    ],
  });
});
after(async () => {
  await stack?.close();
});

type MsalCredential =
  | { clientSecret: string }
  | { clientCertificate: { thumbprintSha256: string; privateKey: string } }
  | { clientAssertion: () => Promise<string> };
/**
 * A fresh MSAL app (fresh token cache) for `clientId` with one credential, configured as a caller must
 * for the emulator: knownAuthorities makes MSAL skip instance discovery at the real login host.
 */
const msalApp = (clientId: string, credential: MsalCredential) =>
  new ConfidentialClientApplication({ auth: { clientId, ...stack.entra.msalAuth(tenantId), ...credential } });

/** The access token MSAL acquires for `appId` with `credential`, or MSAL's error. */
const acquire = async (appId: string, credential: MsalCredential, scope = SCOPE) =>
  (await msalApp(appId, credential).acquireTokenByClientCredential({ scopes: [scope] }))?.accessToken ?? "";
const jwks = (version?: 1 | 2) => createRemoteJWKSet(new URL(stack.entra.jwksUri(tenantId, version)));
const verify = (token: string, options?: JWTVerifyOptions) => jwtVerify(token, jwks(), options);
const v1 = () => ({ issuer: stack.entra.issuerV1(tenantId), audience: "api://my-oci-api" });
const v2 = () => ({ issuer: stack.entra.issuerV2(tenantId), audience: apiV2.appId });

async function rejectsWithAadsts(promise: Promise<unknown>, aadsts: number, errorCode?: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AuthError, `expected an MSAL AuthError, got ${String(error)}`);
    assert.match(error.errorMessage, new RegExp(`AADSTS${aadsts}:`));
    if (errorCode) {
      assert.equal(error.errorCode, errorCode);
      assert.equal(String((error as AuthError & { errorNo?: unknown }).errorNo), String(aadsts));
    }
    return true;
  });
}

describe("Entra emulator: client secret", () => {
  test("discovery documents name the emulator's endpoints and Entra's issuers", async () => {
    const discovery = async (tenant: string, version: 1 | 2) => {
      const response = await fetch(stack.entra.openIdConfigurationUrl(tenant, version));
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const { body: doc } = await discovery(tenantId, 2);
    assert.deepEqual(
      [doc.issuer, doc.jwks_uri, doc.token_endpoint],
      [
        `https://login.microsoftonline.com/${tenantId}/v2.0`,
        stack.entra.jwksUri(tenantId, 2),
        stack.entra.tokenEndpoint(tenantId),
      ],
    );
    assert.equal((await discovery(tenantId, 1)).body.issuer, `https://sts.windows.net/${tenantId}/`);
    const unknown = await discovery("00000000-0000-0000-0000-00000000beef", 2);
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.error_codes, [90002]);
  });

  test("a v1 API gets a v1 token: sts.windows.net issuer, identifier URI audience, appid, roles", async () => {
    const result = await msalApp(client.appId, { clientSecret: SECRET }).acquireTokenByClientCredential({
      scopes: [SCOPE],
    });
    assert.ok(result);
    assert.equal(result.tokenType, "Bearer");
    const { payload, protectedHeader } = await verify(result.accessToken, { ...v1(), algorithms: ["RS256"] });
    assert.equal(protectedHeader.kid, stack.entra.keys.currentKid);
    assert.equal(protectedHeader.x5t, protectedHeader.kid);
    assert.deepEqual(
      [payload.ver, payload.appid, payload.appidacr, payload.tid],
      ["1.0", client.appId, "1", tenantId],
    );
    const principal = client.servicePrincipalId;
    const idp = `https://sts.windows.net/${tenantId}/`;
    assert.deepEqual([payload.sub, payload.oid, payload.idp], [principal, principal, idp]);
    assert.deepEqual(payload.roles, ["Invoke"]);
    assert.equal(payload.scp, undefined);
    assert.equal(payload.azp, undefined);
    assert.ok((payload.exp ?? 0) - Date.now() / 1000 > 3500, "one hour lifetime");
    // The v1 (common) JWKS holds the same keys.
    await jwtVerify(result.accessToken, jwks(1));
  });

  test("a v2 API gets a v2 token: login.microsoftonline.com issuer, appId audience, azp", async () => {
    for (const scope of [SCOPE_V2, `${apiV2.appId}/.default`]) {
      const token = await acquire(client.appId, { clientSecret: SECRET }, scope);
      const { payload } = await verify(token, v2());
      assert.deepEqual(
        [payload.ver, payload.azp, payload.azpacr, payload.appid],
        ["2.0", client.appId, "1", undefined],
      );
      assert.deepEqual(payload.roles, ["Invoke"]);
      assert.equal(decodeProtectedHeader(token).x5t, undefined);
    }
  });

  // A wrong secret (AADSTS7000215 invalid_client): the JSON-shape test below, and entra-token-action.test.ts.
  test("expired secrets, unknown clients or resources and bare scopes are Entra's AADSTS errors", async () => {
    const expired = stack.entra.addClientApp(tenantId, {
      secrets: [{ value: "old-secret", expiresAt: new Date(Date.now() - 1000) }],
    });
    const cases: [string, string, string, number, string][] = [
      [expired.appId, "old-secret", SCOPE, 7000222, "invalid_client"],
      ["11111111-2222-3333-4444-555555555555", SECRET, SCOPE, 700016, "unauthorized_client"],
      [client.appId, SECRET, "api://not-registered/.default", 500011, "invalid_resource"],
      [client.appId, SECRET, "api://my-oci-api/access_as_user", 1002012, "invalid_scope"],
    ];
    for (const [appId, clientSecret, scope, aadsts, code] of cases) {
      await rejectsWithAadsts(acquire(appId, { clientSecret }, scope), aadsts, code);
    }
  });

  test("errors have Entra's JSON shape and echo client-request-id", async () => {
    const correlationId = "0f0e0d0c-0b0a-4909-8807-060504030201";
    const response = await fetch(stack.entra.tokenEndpoint(tenantId), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "client-request-id": correlationId },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: client.appId,
        client_secret: "wrong",
        scope: SCOPE,
      }),
    });
    assert.equal(response.status, 401);
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      "correlation_id",
      "error",
      "error_codes",
      "error_description",
      "error_uri",
      "timestamp",
      "trace_id",
    ]);
    assert.equal(body.error, "invalid_client");
    assert.deepEqual(body.error_codes, [7000215]);
    assert.equal(body.correlation_id, correlationId);
    assert.equal(body.trace_id, response.headers.get("x-ms-request-id"));
    assert.match(String(body.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.match(
      String(body.error_description),
      new RegExp(
        `^AADSTS7000215: .+\\r\\nTrace ID: ${body.trace_id}\\r\\nCorrelation ID: ${correlationId}\\r\\nTimestamp: ${body.timestamp}$`,
      ),
    );
    const get = await fetch(stack.entra.tokenEndpoint(tenantId));
    assert.equal(get.status, 400);
    assert.deepEqual(((await get.json()) as { error_codes: number[] }).error_codes, [900561]);
  });
});

/** Runs @actions/core getIDToken in a child process with a step's environment, as an action would. */
async function getIdTokenInStep(env: Record<string, string>): Promise<string> {
  const script = [
    'import { getIDToken } from "@actions/core";',
    "const token = await getIDToken(process.env.AUDIENCE);",
    'process.stdout.write("\\nTOKEN " + token + "\\n");',
  ].join("\n");
  const { stdout } = await execFileAsync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? "",
      NODE_EXTRA_CA_CERTS: stack.caFile,
      AUDIENCE: EXCHANGE_AUDIENCE,
      ...env,
    },
    timeout: 60_000,
  });
  const token = /^TOKEN (.+)$/m.exec(stdout)?.[1];
  if (!token) throw new Error(`no token in output: ${stdout}`);
  // getIDToken masks the token before anything else, as the runner contract requires.
  assert.ok(stdout.includes(`::add-mask::${token}`));
  return token;
}

describe("Entra emulator: client assertions", () => {
  const federated = (subject: string, roles = false) =>
    stack.entra.addClientApp(tenantId, {
      federatedCredentials: [{ issuer: stack.githubOidc.issuer, subject }],
      ...(roles ? { roleAssignments: [{ resourceAppId: apiV2.appId, role: "Invoke" }] } : {}),
    });
  const withAssertion = (appId: string, token: string, scope = SCOPE) =>
    acquire(appId, { clientAssertion: async () => token }, scope);

  test("a registered certificate gets a token (appidacr 2); another certificate or key is AADSTS700027", async () => {
    const registered = stack.entra.addClientApp(tenantId, {
      certificates: [{ pem: cert.certPem }],
      roleAssignments: [{ resourceAppId: apiV1.appId, role: "Invoke" }],
    });
    const credential = (thumbprintSha256: string, privateKey: string) => ({
      clientCertificate: { thumbprintSha256, privateKey },
    });
    const msal = msalApp(registered.appId, credential(cert.thumbprintSha256, cert.privateKeyPem));
    const result = await msal.acquireTokenByClientCredential({ scopes: [SCOPE] });
    const { payload } = await verify(result?.accessToken ?? "", v1());
    assert.deepEqual([payload.appid, payload.appidacr], [registered.appId, "2"]);
    assert.deepEqual(payload.roles, ["Invoke"]);
    // A second request (cache skipped) reuses MSAL's cached assertion, which Entra accepts.
    await msal.acquireTokenByClientCredential({ scopes: [SCOPE], skipCache: true });

    const other = await createSelfSignedCert("someone-else");
    const unregistered = credential(other.thumbprintSha256, other.privateKeyPem);
    await rejectsWithAadsts(acquire(registered.appId, unregistered), 700027);
    // The right thumbprint with the wrong key fails signature validation.
    const forged = credential(cert.thumbprintSha256, other.privateKeyPem);
    await rejectsWithAadsts(acquire(registered.appId, forged), 700027);
  });

  test("a GitHub OIDC token from getIDToken federates into an access token", async () => {
    const app = federated("repo:acme/fn-api:ref:refs/heads/main", true);
    const githubToken = await getIdTokenInStep(stack.githubOidc.envFor(JOB));
    const githubJwks = createRemoteJWKSet(new URL(stack.githubOidc.jwksUri));
    const expected = { issuer: stack.githubOidc.issuer, audience: EXCHANGE_AUDIENCE };
    const { payload: github } = await jwtVerify(githubToken, githubJwks, expected);
    assert.equal(github.sub, "repo:acme/fn-api:ref:refs/heads/main");
    assert.equal(github.repository, "acme/fn-api");
    assert.equal(github.job_workflow_ref, "acme/fn-api/.github/workflows/deploy.yml@refs/heads/main");
    const { payload } = await verify(await withAssertion(app.appId, githubToken, SCOPE_V2), v2());
    assert.deepEqual([payload.azp, payload.azpacr], [app.appId, "2"]);
    assert.deepEqual(payload.roles, ["Invoke"]);
  });

  test("another branch or audience has no federated match (AADSTS70021); an expired or unknown-issuer token is refused", async () => {
    const prod = federated("repo:acme/fn-api:environment:prod");
    const branchToken = await stack.githubOidc.mint({ ...JOB, ref: "refs/heads/feature" }, EXCHANGE_AUDIENCE);
    await rejectsWithAadsts(withAssertion(prod.appId, branchToken), 70021);
    const prodJob = { ...JOB, environment: "prod" };
    const wrongAudience = await stack.githubOidc.mint(prodJob, "api://something-else");
    await rejectsWithAadsts(withAssertion(prod.appId, wrongAudience), 70021);
    const prodToken = await stack.githubOidc.mint(prodJob, EXCHANGE_AUDIENCE);
    assert.ok(await withAssertion(prod.appId, prodToken));

    const main = federated("repo:acme/fn-api:ref:refs/heads/main");
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expiredClaims = { iat: past, nbf: past, exp: past + 300 };
    const expired = await stack.githubOidc.mint({ ...JOB, claims: expiredClaims }, EXCHANGE_AUDIENCE);
    await rejectsWithAadsts(withAssertion(main.appId, expired), 700024);
    const foreignClaims = { iss: "https://token.actions.githubusercontent.com" };
    const foreign = await stack.githubOidc.mint({ ...JOB, claims: foreignClaims }, EXCHANGE_AUDIENCE);
    await rejectsWithAadsts(withAssertion(main.appId, foreign), 700211);
  });
});

describe("Entra emulator: signing keys and minted tokens", () => {
  async function fetchJwks(version: 1 | 2 = 2): Promise<{ keys: JwkEntry[] }> {
    const response = await fetch(stack.entra.jwksUri(tenantId, version));
    assert.equal(response.status, 200);
    return (await response.json()) as { keys: JwkEntry[] };
  }
  const secretToken = () => acquire(client.appId, { clientSecret: SECRET });

  test("the JWKS publishes several RSA keys with kid = x5t and their certificates", async () => {
    const published = await fetchJwks(2);
    assert.ok(published.keys.length >= 2);
    for (const key of published.keys) {
      assert.deepEqual(
        [key.kty, key.use, key.kid, key.issuer],
        ["RSA", "sig", key.x5t, `https://login.microsoftonline.com/${tenantId}/v2.0`],
      );
      const x509 = new X509Certificate(Buffer.from(key.x5c[0] ?? "", "base64"));
      assert.deepEqual(
        x509.publicKey.export({ format: "jwk" }),
        createPublicKey({ key, format: "jwk" }).export({ format: "jwk" }),
      );
    }
    const common = await fetchJwks(1);
    assert.deepEqual(
      common.keys.map((key) => key.kid),
      published.keys.map((key) => key.kid),
    );
    assert.equal(common.keys[0]?.issuer, undefined);
  });

  test("minted tokens break only what they are asked to", async () => {
    const base = { tenantId: tenantId, resource: "api://my-oci-api", clientAppId: client.appId };
    const mint = (extra: object = {}) => stack.entra.mintToken({ ...base, ...extra });
    const { payload } = await verify(await mint(), v1());
    assert.deepEqual(payload.roles, ["Invoke"]);
    assert.equal(payload.sub, client.servicePrincipalId);
    const expired = await mint({ issuedAt: new Date(Date.now() - 2 * 3600_000) });
    await assert.rejects(verify(expired, v1()), errors.JWTExpired);
    await assert.rejects(verify(await mint({ signWith: "foreign" }), v1()), errors.JWKSNoMatchingKey);
    const wrongAudience = await mint({ overrides: { aud: "api://other" } });
    await assert.rejects(verify(wrongAudience, v1()), errors.JWTClaimValidationFailed);
    const noRoles = await mint({ overrides: { roles: undefined } });
    assert.equal((await verify(noRoles, v1())).payload.roles, undefined);
    const minted = await mint({ resource: "api://my-oci-api-v2" });
    assert.equal((await verify(minted, v2())).payload.ver, "2.0");
  });

  // A 503 from the token endpoint (AADSTS90033) reaching MSAL: entra-token-action.test.ts.
  test("an injected reset of the keys endpoint reaches jose as Entra's would", async () => {
    stack.entra.faults.next(1, { reset: true }, ["keys"]);
    await assert.rejects(jwtVerify(await secretToken(), jwks()));
    await jwtVerify(await secretToken(), jwks());
  });

  test("after rotation new tokens use the new key; a retired key's tokens stop verifying", async () => {
    const oldKid = stack.entra.keys.currentKid;
    const before = await secretToken();
    const newKid = await stack.entra.rotateSigningKey();
    assert.notEqual(newKid, oldKid);
    const afterRotation = await secretToken();
    const published = createLocalJWKSet(await fetchJwks());
    assert.equal((await jwtVerify(afterRotation, published)).protectedHeader.kid, newKid);
    // Old keys stay published: tokens issued before the rotation still verify.
    assert.equal((await jwtVerify(before, published)).protectedHeader.kid, oldKid);
    stack.entra.retireKey(oldKid);
    const afterRetire = createLocalJWKSet(await fetchJwks());
    await jwtVerify(afterRotation, afterRetire);
    await assert.rejects(jwtVerify(before, afterRetire), errors.JWKSNoMatchingKey);
    assert.throws(() => stack.entra.retireKey(newKid), /rotate first/);
  });
});
