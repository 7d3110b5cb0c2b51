// The oci-token action, run as the runner runs it: an OAuth 2.0 client-credentials token from the
// (emulated) regional auth endpoint for several scopes, masked; a gateway deployment configured with
// that issuer's remote JWKS lets the token through (smoke-test passes); a wrong secret and an unknown
// scope are one explained line each.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { identityDomainOf, type OAuthCredential } from "./emulators/oci-identity-domain/store.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { assertUserFailure, type ExpectedMessage, Job } from "./runner/index.ts";
import { type GatewayFixture, startGatewayFixture } from "./support/gateway-fixture.ts";
import { requireRegistry } from "./support/real-components.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

const AUDIENCE = "https://fngate-api.example.oraclecloud.com";
const SCOPES = ["urn:opc:resource:consumer::all", "urn:opc:resource:fngate::invoke"];
let gw: GatewayFixture;
let credential: OAuthCredential;

before(async () => {
  gw = await startGatewayFixture({ registry: true });
  trustCaInProcess(gw.oci.stack.caPem);
  const domain = identityDomainOf(gw.oci.stack.oci.state, gw.oci.stack.oci.now);
  credential = domain.addCredential({
    tenancyId: gw.oci.tenancyId,
    scopes: SCOPES.map((scope) => ({ audience: AUDIENCE, scope })),
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

describe("oci-token", () => {
  it("gets a token for two scopes, masked; the gateway trusting that issuer's JWKS lets it through", async (t) => {
    await using job = await gw.preparedJob();
    const run = await job.run("oci-token", { inputs: tokenInputs() });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
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

  it("a scope the credential does not hold: 400 invalid_scope, naming scope", async () => {
    await refused(
      tokenInputs({ scope: "urn:opc:resource:consumer::all urn:opc:resource:admin::all" }),
      `scope: OCI refused the scopes ${AUDIENCE}-urn:opc:resource:consumer::all ${AUDIENCE}-urn:opc:resource:admin::all (invalid_scope: The requested scope is invalid, unknown, or malformed: ${AUDIENCE}-urn:opc:resource:admin::all.); each must be a scope of this credential, fully qualified as <audience>-<scope> (the audience and scope its details page lists, joined by a hyphen).`,
    );
  });

  it("bad input is refused before any call", async () => {
    const before = tokenCalls();
    await refused(
      tokenInputs({ "credential-ocid": "ocid1.user.oc1..aaaaaaaabbbbbbbb" }),
      /^credential-ocid is not a valid OCID|^credential-ocid .*credential/,
    );
    await refused(tokenInputs({ scope: "" }), /^scope is required/);
    await refused(
      tokenInputs({ scope: Array.from({ length: 11 }, (_, i) => `urn:s${i}`).join(" ") }),
      /^scope lists 11 scopes; an OAuth 2\.0 credential has at most 10\.$/,
    );
    assert.equal(tokenCalls(), before, "no token request was made");
  });
});
