// fc-pipeline's inputs: fc-deploy's, entra-token's and smoke-test's under their own names, each mistake
// refused with one line naming the input and the fix before any call; the trigger is JWT-guarded and
// trusts the Entra tenant's keys unless told otherwise.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_CLAIM_PASS_BY, ENTRA_KEYS_REFUSAL } from "../src/alibaba/trigger-trust.ts";
import { readFcPipelineInputs } from "../src/inputs/fc-pipeline.ts";
import { examplesDir } from "./emulators/alibaba/fixture.ts";
import { actionVerdict, parsedBy, refusalTable } from "./support/input-table.ts";

const TENANT = "11111111-2222-3333-4444-555555555555";
const valid = (): Record<string, string> => ({
  region: "cn-hangzhou",
  function: "pipeline-input",
  "code-path": "function",
  runtime: "nodejs20",
  handler: "index.handler",
  "access-key-id": "LTAI5tPipelineInput0001",
  "access-key-secret": "pipeline-input-secret-0123456789",
  "tenant-id": TENANT,
  "client-id": "22222222-3333-4444-5555-666666666666",
  scope: "api://fc-api/.default",
  "client-secret": "pipeline-client-secret-0123456789",
  "function-checks-claims": "true",
});
// The keys inline: a JWKS URL is read at the deploy's start, which a table run without network cannot.
const JWKS = JSON.stringify({ keys: [{ kty: "RSA", kid: "k", n: "AQAB", e: "AQAB" }] });
const tableBase = () => ({ inputs: { ...valid(), "http-trigger-jwks": JWKS }, workspace: examplesDir });

/** The parser alone, as the action's adapter reads the inputs: what the adapters hand the step. */
const parsed = (given: Record<string, string>) => parsedBy(readFcPipelineInputs, given);

describe("fc-pipeline's defaults", () => {
  it("an HTTP trigger named http, JWT-guarded by the tenant's signing keys, which the smoke test also uses", () => {
    const inputs = parsed(valid());
    assert.deepEqual(inputs.deploy.httpTrigger, {
      name: "http",
      auth: "jwt",
      methods: ["GET", "POST"],
      tokenLookup: "header:Authorization:Bearer",
      jwksUrl: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
      functionChecksClaims: true,
      claimPassBy: DEFAULT_CLAIM_PASS_BY,
    });
    assert.equal(inputs.deploy.invoke, undefined);
    assert.equal(inputs.refusedScope, "https://management.azure.com/.default");
    assert.deepEqual(inputs.deploy.rollout, { mode: "verify-then-promote", alias: "live", traffic: 100 });
  });
  it("a sovereign cloud's authority host gives its keys URL", () => {
    const inputs = parsed({ ...valid(), "authority-host": "https://login.microsoftonline.us/" });
    assert.equal(
      inputs.deploy.httpTrigger.jwksUrl,
      `https://login.microsoftonline.us/${TENANT}/discovery/v2.0/keys`,
    );
  });
  it("inline keys replace the URL", () => {
    const inputs = parsed({ ...valid(), "http-trigger-jwks": JWKS, "http-trigger": "api" });
    assert.equal(inputs.deploy.httpTrigger.jwksUrl, undefined);
    assert.equal(inputs.deploy.httpTrigger.name, "api");
    assert.deepEqual(inputs.deploy.httpTrigger.jwks, JSON.parse(JWKS));
  });
});

describe("fc-pipeline refuses bad input before any call", () => {
  it("the inputs the cases start from pass every check", async () => {
    const verdict = await actionVerdict("fc-pipeline", tableBase());
    assert.equal(verdict.outcome, "accepted");
    for (const secret of ["pipeline-input-secret-0123456789", "pipeline-client-secret-0123456789"])
      assert.ok(verdict.masks.includes(secret), "secrets are masked");
  });
  refusalTable("fc-pipeline", tableBase, {
    "no tenant-id": [{ "tenant-id": undefined }, "tenant-id is required: set the input."],
    "a tenant-id that is neither a GUID nor a domain": [
      { "tenant-id": "my tenant" },
      'tenant-id "my tenant" is neither a GUID nor a domain name: copy the Directory (tenant) ID from the app registration\'s Overview page.',
    ],
    "an authority-host with a path": [
      { "authority-host": "login.microsoftonline.com/x" },
      'authority-host "login.microsoftonline.com/x" must be a host name such as login.microsoftonline.com or login.microsoftonline.us (no path).',
    ],
    "a trigger name starting with a digit": [
      { "http-trigger": "9" },
      `http-trigger must be 1-128 letters, digits, '_' or '-', not starting with a digit or '-', such as http; got "9".`,
    ],
    "both keys and a keys URL": [
      {
        "http-trigger-jwks": '{"keys":[{"kty":"RSA"}]}',
        "http-trigger-jwks-url": "https://keys.example/jwks",
      },
      "http-trigger-jwks and http-trigger-jwks-url are exclusive: give the keys or the URL they are read from, not both.",
    ],
    "no credential for Alibaba Cloud": [
      { "access-key-id": undefined, "access-key-secret": undefined },
      "credentials are required: set role-to-assume + oidc-provider-arn (GitHub OIDC, no stored key; needs `permissions: id-token: write`) or access-key-id + access-key-secret.",
    ],
    "a trigger that lets any Entra token in, with no word that the function checks the claims": [
      { "function-checks-claims": undefined },
      ENTRA_KEYS_REFUSAL,
    ],
    "function-checks-claims: false, with the tenant's keys read from Entra": [
      { "http-trigger-jwks": undefined, "function-checks-claims": "false" },
      ENTRA_KEYS_REFUSAL,
    ],
    "a refused-scope that is the API's own scope": [
      { "refused-scope": "api://fc-api/.default" },
      "refused-scope must name another resource than scope (api://fc-api/.default): its token is the one the API must refuse, such as https://management.azure.com/.default.",
    ],
    "an expect-status that is not a status": [{ "expect-status": "ok" }, /^expect-status /],
  });
});
