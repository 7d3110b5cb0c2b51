// The oci-token action, run as the runner runs it: an OAuth 2.0 client-credentials token from the
// (emulated) regional auth endpoint for several scopes, masked; a gateway deployment configured with
// that issuer's remote JWKS lets the token through (smoke-test passes); a wrong secret and an unknown
// scope are one explained line each. On the wire: the exact form body OCI's /oauth2/token receives for
// several scopes, given one per line and comma-separated (how each scope is qualified, with and without
// audience: fullyQualifiedScopes in test/oci-token-decisions.test.ts). Oracle's page (seed 003) joins the audience and the scope with a
// hyphen and adds each further scope as another `scope=` argument; the emulator takes exactly that and
// refuses the space-separated, unhyphenated form an earlier version sent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { identityDomainOf, type OAuthCredential } from "./emulators/oci-identity-domain/store.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { assertUserFailure, type ExpectedMessage, Job } from "./runner/index.ts";
import { type GatewayFixture, startGatewayFixture } from "./support/gateway-fixture.ts";
import { actionVerdict } from "./support/input-table.ts";
import { requireRegistry } from "./support/real-components.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

const AUDIENCE = "https://fngate-api.example.oraclecloud.com";
const OTHER = "https://2aexampley3uytc.analytics.ocp.oraclecloud.com";
const CONSUMER = "urn:opc:resource:consumer::all";
const INVOKE = "urn:opc:resource:fngate::invoke";
const SCOPES = [CONSUMER, INVOKE];
let gw: GatewayFixture;
let credential: OAuthCredential;

before(async () => {
  gw = await startGatewayFixture({ registry: true });
  trustCaInProcess(gw.oci.stack.caPem);
  const domain = identityDomainOf(gw.oci.stack.oci.state, gw.oci.stack.oci.now);
  credential = domain.addCredential({
    tenancyId: gw.oci.tenancyId,
    scopes: [...SCOPES.map((scope) => ({ audience: AUDIENCE, scope })), { audience: OTHER, scope: CONSUMER }],
  });
});
after(async () => {
  await gw?.close();
});

function tokenInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "credential-ocid": credential.id,
    "credential-secret": credential.secret,
    region: "us-ashburn-1",
    audience: AUDIENCE,
    scope: SCOPES.join("\n"),
    ...overrides,
  };
}

const tokenCalls = () =>
  gw.oci.stack.oci.requests.filter((r) => r.operation === "OAuth2ClientCredentialsToken").length;

const bodies = () => identityDomainOf(gw.oci.stack.oci.state).clientCredentialsBodies;
const form = (...scopes: string[]) =>
  new URLSearchParams([
    ["grant_type", "client_credentials"],
    ...scopes.map((s): [string, string] => ["scope", s]),
  ]).toString();

describe("oci-token", () => {
  it("gets a token for two scopes, masked; the gateway trusting that issuer's JWKS lets it through", async (t) => {
    await using job = await gw.preparedJob();
    const sent = bodies().length;
    const run = await job.run("oci-token", { inputs: tokenInputs() });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(
      bodies()[sent],
      form(...SCOPES.map((scope) => `${AUDIENCE}-${scope}`)),
      "Oracle's wire format",
    );
    const token = run.outputs["access-token"] ?? "";
    assert.ok(run.masks.includes(token), "the token is masked");
    assert.equal(run.outputs["expires-in"], "3600");
    assert.equal(run.outputs["token-type"], "Bearer");
    assert.equal(run.outputs.scope, SCOPES.map((scope) => `${AUDIENCE}-${scope}`).join(" "));
    assert.equal(run.outputs.issuer, gw.oci.stack.endpoints.oci);
    assert.equal(run.outputs.audience, AUDIENCE);

    const deployed = await gw.deploy(
      job,
      gw.inputs("oauth", {
        "entra-tenant-id": "",
        "authority-host": "",
        "jwks-uri": `${gw.oci.stack.endpoints.oci}/oauth2/jwks`,
        issuers: gw.oci.stack.endpoints.oci,
        audiences: AUDIENCE,
      }),
    );
    if (!(await requireRegistry(t))) return;
    const smoke = await job.run("smoke-test", {
      inputs: { url: deployed.outputs.url ?? "", token, "expect-body": '{"message":"Hello World"}' },
    });
    assert.equal(smoke.exitCode, 0, smoke.stdout + smoke.stderr);
    assert.equal(smoke.outputs.passed, "true");

    // The token's one sanctioned place is the access-token output; everything else a workflow sees is scanned.
    const everything = [run, deployed, smoke]
      .map((r) => visibleOutput(r.stdout) + r.stderr + r.summary + JSON.stringify(r.exportedEnv))
      .concat(JSON.stringify(deployed.outputs), JSON.stringify(smoke.outputs))
      .join("\n");
    assert.deepEqual(secretsFound(everything, [token, credential.secret]), []);
  });
});

/** oci-token fails with `message` under the failure contract, and outputs nothing. */
async function refused(inputs: Record<string, string>, message: ExpectedMessage): Promise<void> {
  await using job = await Job.create({ env: gw.oci.env });
  const run = await job.run("oci-token", { inputs });
  assertUserFailure(run, message, [credential.secret, "not-the-secret-value"]);
  assert.deepEqual(run.outputs, {});
}

describe("oci-token explains refusals", () => {
  it("a wrong secret: 401 invalid_client, naming credential-secret, asked once", async () => {
    const before = tokenCalls();
    await refused(
      tokenInputs({ "credential-secret": "not-the-secret-value" }),
      `credential-secret: OCI refused OAuth 2.0 client credential ${credential.id} (invalid_client: Client authentication failed.); check credential-ocid and use the secret shown when the credential was created (it is shown only once: generate a new credential if it is lost).`,
    );
    assert.equal(tokenCalls() - before, 1, "a 401 is not retried");
  });

  it("a scope the credential does not hold: 400 invalid_scope, naming scope (in process)", async () => {
    const verdict = await actionVerdict("oci-token", {
      inputs: tokenInputs({ scope: "urn:opc:resource:consumer::all urn:opc:resource:admin::all" }),
      env: { FNGATE_OCI_ENDPOINT: gw.oci.stack.endpoints.oci },
    });
    assert.ok(verdict.outcome === "refused", JSON.stringify(verdict));
    assert.equal(
      verdict.line,
      `scope: OCI refused the scopes ${AUDIENCE}-urn:opc:resource:consumer::all ${AUDIENCE}-urn:opc:resource:admin::all (invalid_scope: The requested scope is invalid, unknown, or malformed: ${AUDIENCE}-urn:opc:resource:admin::all.); each must be a scope of this credential, fully qualified as <audience>-<scope> (the audience and scope its details page lists, joined by a hyphen).`,
    );
  });
});

/** The one body the token endpoint receives, in process (the action's reader, then its step). */
async function sentBody(scope: string, audience?: string): Promise<string> {
  const seen = bodies().length;
  const verdict = await actionVerdict("oci-token", {
    inputs: { ...tokenInputs({ scope }), audience },
    env: { FNGATE_OCI_ENDPOINT: gw.oci.stack.endpoints.oci },
  });
  assert.equal(verdict.outcome, "accepted", JSON.stringify(verdict));
  assert.equal(bodies().length, seen + 1, "one token request");
  return bodies()[seen] ?? "";
}

describe("oci-token sends Oracle's wire format", () => {
  // Scopes split at commas too; the qualification itself: test/oci-token-decisions.test.ts.
  it("a fully qualified scope beside a short one with audience is not qualified twice", async () => {
    assert.equal(
      await sentBody(`${OTHER}-${CONSUMER}, ${INVOKE}`, AUDIENCE),
      form(`${OTHER}-${CONSUMER}`, `${AUDIENCE}-${INVOKE}`),
    );
  });
});

describe("the token endpoint takes only that format", () => {
  async function post(body: string): Promise<{ status: number; error?: string }> {
    const basic = Buffer.from(`${credential.id}:${credential.secret}`).toString("base64");
    const response = await fetch(`${gw.oci.stack.endpoints.oci}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
      body,
    });
    const answer = (await response.json()) as { error?: string };
    return { status: response.status, ...(answer.error ? { error: answer.error } : {}) };
  }

  it("accepts <audience>-<scope> per parameter", async () => {
    assert.deepEqual(await post(form(`${AUDIENCE}-${CONSUMER}`, `${OTHER}-${CONSUMER}`)), { status: 200 });
  });

  it("refuses the unhyphenated scope and a space-separated list in one parameter", async () => {
    assert.deepEqual(await post(form(`${AUDIENCE}${CONSUMER}`)), { status: 400, error: "invalid_scope" });
    assert.deepEqual(await post(form(`${AUDIENCE}-${CONSUMER} ${AUDIENCE}-${INVOKE}`)), {
      status: 400,
      error: "invalid_scope",
    });
    assert.deepEqual(await post(form(CONSUMER)), { status: 400, error: "invalid_scope" });
  });
});
