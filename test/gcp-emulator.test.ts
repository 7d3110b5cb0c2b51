// The Google emulator on its own (no stack): strict about what it accepts, the way Google is. Unknown
// fields, unknown or expired bearer tokens, GitHub tokens for another audience, tampered key-signed
// assertions and stale IAM etags are all refused with Google's error shapes.

import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { type GcpEmulator, startGcpEmulator } from "./emulators/gcp/server.ts";
import { type GithubOidcIssuer, startGithubOidcIssuer } from "./emulators/github-oidc/server.ts";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

let tls: TlsMaterial;
let github: GithubOidcIssuer;
let gcp: GcpEmulator;
let provider: string;
let deployerToken: string;
const SERVICE = "projects/demo-project-1/locations/us-central1/services/strict-fn";

async function post(path: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${gcp.url}${path}`, { method: "POST", body, headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };

async function stsExchange(subjectToken: string) {
  return post(
    "/sts/v1/token",
    form({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      audience: `//iam.googleapis.com/${provider}`,
      scope: "https://www.googleapis.com/auth/cloud-platform",
      subject_token: subjectToken,
    }),
    FORM,
  );
}

before(async () => {
  tls = await createTestCa();
  trustCaInProcess(tls.caPem);
  github = await startGithubOidcIssuer({ tls });
  gcp = await startGcpEmulator({ tls });
  gcp.addProject("demo-project-1");
  gcp.addImage("us-docker.pkg.dev/demo-project-1/fns/strict:1");
  provider = gcp.addProvider({
    project: "demo-project-1",
    pool: "github-pool",
    provider: "github",
    issuer: github.issuer,
  });
  const deployer = gcp.addServiceAccount("demo-project-1", "deployer");
  const pool = provider.replace(/\/providers\/[^/]+$/, "");
  gcp.allowImpersonation(
    deployer.email,
    `principalSet://iam.googleapis.com/${pool}/attribute.repository/ORG/REPO`,
  );
  gcp.grantRunAdmin("demo-project-1", `serviceAccount:${deployer.email}`);
  const federated = await stsExchange(
    await github.mint({ repository: "ORG/REPO" }, `https://iam.googleapis.com/${provider}`),
  );
  assert.equal(federated.status, 200, JSON.stringify(federated.json));
  const impersonated = await post(
    `/iamcredentials/v1/projects/-/serviceAccounts/${deployer.email}:generateAccessToken`,
    JSON.stringify({ scope: ["https://www.googleapis.com/auth/cloud-platform"] }),
    { authorization: `Bearer ${String(federated.json.access_token)}`, "content-type": "application/json" },
  );
  assert.equal(impersonated.status, 200, JSON.stringify(impersonated.json));
  deployerToken = String(impersonated.json.accessToken);
});
after(async () => {
  await gcp?.close();
  await github?.close();
  // The CA's private key must not outlive the run.
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

const bearer = (token = deployerToken) => ({
  authorization: `Bearer ${token}`,
  "content-type": "application/json",
});

/** A call to the emulator: its status and JSON body. */
async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${gcp.url}${path}`, init);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
const errorStatus = (json: Record<string, unknown>) =>
  (json.error as { status?: string } | undefined)?.status;
const SERVICE_PATH = `/v2/${SERVICE}`;
const IMAGE = "us-docker.pkg.dev/demo-project-1/fns/strict:1";
const patchService = (body: unknown) =>
  call(`${SERVICE_PATH}?allowMissing=true`, {
    method: "PATCH",
    headers: bearer(),
    body: JSON.stringify(body),
  });

describe("Google emulator", () => {
  it("refuses a GitHub token minted for another audience", async () => {
    const refused = await stsExchange(
      await github.mint({ repository: "ORG/REPO" }, "api://AzureADTokenExchange"),
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error, "invalid_grant");
    assert.match(
      String(refused.json.error_description),
      /audience in ID Token \[api:\/\/AzureADTokenExchange\]/,
    );
  });

  it("refuses a request with an unknown bearer token (401 UNAUTHENTICATED)", async () => {
    const response = await call(SERVICE_PATH, { headers: bearer("ya29.not-issued") });
    assert.deepEqual([response.status, errorStatus(response.json)], [401, "UNAUTHENTICATED"]);
  });

  it("refuses unknown fields in a service, naming the field", async () => {
    const response = await patchService({
      template: { containers: [{ image: IMAGE, imagePullPolicy: "Always" }] },
    });
    assert.deepEqual([response.status, errorStatus(response.json)], [400, "INVALID_ARGUMENT"]);
    const { message } = response.json.error as { message: string };
    assert.match(message, /template\.containers\[0\]\.imagePullPolicy: Unknown name "imagePullPolicy"/);
  });

  it("accepts ingress as an enum number or name, and answers in the encoding asked for", async () => {
    assert.equal(
      (await patchService({ ingress: 2, template: { containers: [{ image: IMAGE }] } })).status,
      200,
    );
    const asNumber = await call(`${SERVICE_PATH}?$alt=json%3Benum-encoding=int`, { headers: bearer() });
    const asName = await call(SERVICE_PATH, { headers: bearer() });
    assert.equal(asNumber.json.ingress, 2);
    assert.equal(asName.json.ingress, "INGRESS_TRAFFIC_INTERNAL_ONLY");
  });

  it("answers a stale IAM etag with 409 ABORTED and keeps the policy", async () => {
    const current = await call(`${SERVICE_PATH}:getIamPolicy`, { headers: bearer() });
    const setPolicy = (member: string) =>
      post(
        `${SERVICE_PATH}:setIamPolicy`,
        JSON.stringify({
          policy: { bindings: [{ role: "roles/run.invoker", members: [member] }], etag: current.json.etag },
        }),
        bearer(),
      );
    assert.equal((await setPolicy("user:a@example.com")).status, 200);
    const stale = await setPolicy("user:b@example.com");
    assert.deepEqual([stale.status, errorStatus(stale.json)], [409, "ABORTED"]);
    assert.deepEqual(gcp.state.policies.get(SERVICE)?.bindings, [
      { role: "roles/run.invoker", members: ["user:a@example.com"] },
    ]);
  });

  it("refuses a key assertion signed by another key", async () => {
    const account = gcp.addServiceAccount("demo-project-1", "signer");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: "https://www.googleapis.com/auth/cloud-platform" })
      .setProtectedHeader({ alg: "RS256", kid: account.privateKeyId })
      .setIssuer(account.email)
      .setAudience("https://oauth2.googleapis.com/token")
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
    const grant = form({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion });
    const refused = await post("/oauth2/token", grant, FORM);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.json, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
  });

  it("refuses another method, a missing token and bad permission lists on the read-only IAM and Artifact Registry calls", async () => {
    gcp.addServiceAccount("demo-project-1", "runtime");
    const iam =
      "/iam/v1/projects/-/serviceAccounts/runtime@demo-project-1.iam.gserviceaccount.com:testIamPermissions";
    const registry = "/artifactregistry/v1/projects/demo-project-1/locations/us-central1/repositories/fns";
    const registryTest = `${registry}:testIamPermissions`;
    const json = { "content-type": "application/json" };
    const asked = (permissions: unknown) => JSON.stringify({ permissions });
    const UNAUTHENTICATED = "Request had invalid authentication credentials.";
    const NOT_A_LIST = "Invalid JSON payload: permissions must be a list of strings.";
    const WILDCARD = "Permission iam.serviceAccounts.* is not valid for this resource.";
    const ACT_AS = "Permission iam.serviceAccounts.actAs is not valid for this resource.";
    const [NOT_ALLOWED, UNAUTH, INVALID] = ["METHOD_NOT_ALLOWED", "UNAUTHENTICATED", "INVALID_ARGUMENT"];
    const cases: [string, string, string, Record<string, string>, number, string, string][] = [
      [iam, "GET", "", bearer(), 405, NOT_ALLOWED, `Method GET is not allowed for ${iam}.`],
      [registryTest, "GET", "", bearer(), 405, NOT_ALLOWED, `Method GET is not allowed for ${registryTest}.`],
      [iam, "POST", asked([]), json, 401, UNAUTH, UNAUTHENTICATED],
      [registry, "GET", "", {}, 401, UNAUTH, UNAUTHENTICATED],
      [iam, "POST", asked("iam.serviceAccounts.actAs"), bearer(), 400, INVALID, NOT_A_LIST],
      [iam, "POST", asked(["iam.serviceAccounts.*"]), bearer(), 400, INVALID, WILDCARD],
      [registryTest, "POST", asked([7]), bearer(), 400, INVALID, NOT_A_LIST],
      [registryTest, "POST", asked(["iam.serviceAccounts.actAs"]), bearer(), 400, INVALID, ACT_AS],
    ];
    for (const [path, method, body, headers, status, name, message] of cases) {
      const answer = await call(path, {
        method,
        headers: { ...headers, ...(body ? json : {}) },
        ...(body ? { body } : {}),
      });
      assert.deepEqual(
        [answer.status, answer.json],
        [status, { error: { code: status, message, status: name } }],
        `${method} ${path} ${body}`,
      );
    }
  });
});
