// The Google emulator on its own (no stack): strict about what it accepts, the way Google is. Unknown
// fields, unknown or expired bearer tokens, GitHub tokens for another audience, tampered key-signed
// assertions and stale IAM etags are all refused with Google's error shapes. Cloud Run revisions and
// traffic (test/emulators/gcp/traffic.ts), over the REST API as a client calls it: a traffic-only write
// makes no revision; a named revision is made under that name; traffic that does not add up to 100,
// names an unknown revision, repeats a tag or has a malformed one is refused; each tag gets its own URL.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { IMAGE, IMAGE_V2, PROJECT, REGION } from "./emulators/gcp/fixture.ts";
import { type GcpEmulator, startGcpEmulator } from "./emulators/gcp/server.ts";
import { type GithubOidcIssuer, startGithubOidcIssuer } from "./emulators/github-oidc/server.ts";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

let tls: TlsMaterial;
let github: GithubOidcIssuer;
let gcp: GcpEmulator;
let provider: string;
let deployerToken: string;
const SERVICE = `projects/${PROJECT}/locations/${REGION}/services/strict-fn`;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** A POST of `body` to the emulator's `path`: its status and JSON body. */
const post = (path: string, body: string, headers: Record<string, string>) =>
  call(path, { method: "POST", body, headers });

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
  gcp.addProject(PROJECT);
  gcp.addImage(IMAGE);
  gcp.addImage(IMAGE_V2);
  provider = gcp.addProvider({
    project: PROJECT,
    pool: "github-pool",
    provider: "github",
    issuer: github.issuer,
  });
  // A deployer's token as federation and impersonation give it (that path: cloud-run-deploy-action.test.ts).
  const principal = `serviceAccount:deployer@${PROJECT}.iam.gserviceaccount.com`;
  gcp.grantRunAdmin(PROJECT, principal);
  deployerToken = gcp.state.issueToken(
    { principal, memberships: [], kind: "service-account" },
    600,
    Date.now(),
  );
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
const patchService = (body: unknown, service = SERVICE) =>
  call(`/v2/${service}?allowMissing=true`, {
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
    const account = gcp.addServiceAccount(PROJECT, "signer");
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
    gcp.addServiceAccount(PROJECT, "runtime");
    const iam = `/iam/v1/projects/-/serviceAccounts/runtime@${PROJECT}.iam.gserviceaccount.com:testIamPermissions`;
    const registry = `/artifactregistry/v1/projects/${PROJECT}/locations/${REGION}/repositories/fns`;
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

const TRAFFIC_SERVICE = `projects/${PROJECT}/locations/${REGION}/services/traffic-fn`;
const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";

/** A PATCH of the traffic service: its status and Google's error message, if any. */
async function patch(body: object): Promise<{ status: number; message: string }> {
  const { status, json } = await patchService(body, TRAFFIC_SERVICE);
  return { status, message: (json.error as { message?: string } | undefined)?.message ?? "" };
}

const revisions = () => (gcp.state.services.get(TRAFFIC_SERVICE)?.revisionList ?? []).map((r) => r.name);
const template = (image: string, revision?: string) => ({
  containers: [{ image }],
  ...(revision ? { revision } : {}),
});

/** A traffic target naming a revision. */
const to = (revision: string, percent: number, tag?: string) => ({
  type: REVISION,
  revision,
  percent,
  ...(tag ? { tag } : {}),
});

describe("Cloud Run revisions and traffic in the emulator", () => {
  it("names revisions as asked, makes none for a traffic-only write, and gives each tag its own URL", async () => {
    assert.equal((await patch({ template: template(IMAGE, "traffic-fn-one") })).status, 200);
    const two = await patch({
      template: template(IMAGE_V2, "traffic-fn-two"),
      traffic: [to("traffic-fn-one", 100), to("traffic-fn-two", 0, "candidate")],
    });
    assert.equal(two.status, 200, two.message);
    assert.deepEqual(revisions(), ["traffic-fn-one", "traffic-fn-two"]);
    const body = gcp.state.services.get(TRAFFIC_SERVICE)?.body ?? {};
    const uri = String(body.uri);
    const statuses = body.trafficStatuses as { tag?: string; uri?: string }[];
    assert.equal(
      statuses.find((status) => status.tag === "candidate")?.uri,
      uri.replace("/traffic-fn-", "/candidate---traffic-fn-"),
    );

    const moved = await patch({
      template: template(IMAGE_V2, "traffic-fn-two"),
      traffic: [to("traffic-fn-two", 100)],
    });
    assert.equal(moved.status, 200, moved.message);
    assert.deepEqual(
      revisions(),
      ["traffic-fn-one", "traffic-fn-two"],
      "a traffic-only write makes no revision",
    );
  });

  const split = (...traffic: object[]) => ({ template: template(IMAGE_V2), traffic });
  const blue = [to("traffic-fn-one", 50, "blue"), to("traffic-fn-two", 50, "blue")];
  const refusals: Record<string, [object, number, string]> = {
    "percents that do not add up to 100": [
      split(to("traffic-fn-one", 90)),
      400,
      "spec.traffic: Traffic percents must add up to 100, got 90.",
    ],
    "an unknown revision": [
      split(to("traffic-fn-nine", 100)),
      400,
      "spec.traffic: Revision 'traffic-fn-nine' referenced in traffic not found.",
    ],
    "a tag used twice": [split(...blue), 400, "spec.traffic: Duplicate traffic tag 'blue'."],
    "a malformed tag": [
      split(to("traffic-fn-two", 100, "Blue_1")),
      400,
      "spec.traffic: Invalid traffic tag 'Blue_1': must be at least 3 lowercase letters, digits or '-', start with a letter and end with a letter or digit.",
    ],
    "a revision name in use with another template": [
      { template: template(IMAGE, "traffic-fn-two") },
      409,
      "Revision named 'traffic-fn-two' with different configuration already exists.",
    ],
    "a revision name outside the service's": [
      { template: template(IMAGE, "other-fn-1") },
      400,
      "template.revision: Revision name must be prefixed by the name of the enclosing Service or Configuration (traffic-fn-), and be a DNS label of at most 63 characters: other-fn-1.",
    ],
  };
  for (const [name, [body, status, message]] of Object.entries(refusals)) {
    it(`refuses ${name}, changing nothing`, async () => {
      const before = structuredClone(gcp.state.services.get(TRAFFIC_SERVICE)?.body);
      const refused = await patch(body);
      assert.deepEqual([refused.status, refused.message], [status, message]);
      assert.deepEqual(gcp.state.services.get(TRAFFIC_SERVICE)?.body, before);
    });
  }
});
