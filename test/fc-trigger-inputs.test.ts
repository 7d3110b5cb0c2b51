// fc-deploy's http-trigger inputs and fc-pipeline's: each mistake is refused with one line naming the
// input and the fix, before any call; fc-pipeline takes fc-deploy's, entra-token's and smoke-test's inputs
// under their own names, and its trigger is JWT-guarded and trusts the Entra tenant's keys unless told
// otherwise; and the pure decision whether a held trigger is the one asked for.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type HttpTriggerSpec, httpTriggerChanges, httpTriggerConfig } from "../src/alibaba/http-trigger.ts";
import { DEFAULT_CLAIM_PASS_BY, ENTRA_KEYS_REFUSAL } from "../src/alibaba/trigger-trust.ts";
import { readFcPipelineInputs } from "../src/inputs/fc-pipeline.ts";
import { examplesDir } from "./emulators/alibaba/fixture.ts";
import { actionVerdict, parsedBy, refusalTable } from "./support/input-table.ts";

// The keys inline: a JWKS URL is read at the deploy's start, which a table run without network cannot.
const JWKS = JSON.stringify({ keys: [{ kty: "RSA", kid: "k", n: "AQAB", e: "AQAB" }] });
const TENANT = "11111111-2222-3333-4444-555555555555";
const deploy = {
  region: "cn-hangzhou",
  function: "trigger-input",
  "code-path": "function",
  runtime: "nodejs20",
  handler: "index.handler",
  "access-key-id": "LTAI5tTriggerInput0001",
  "access-key-secret": "trigger-input-secret-0123456789",
};
const valid = (): Record<string, string | undefined> => ({
  ...deploy,
  "http-trigger": "http",
  "http-trigger-jwks": JWKS,
});
/** fc-pipeline's inputs: fc-deploy's (its trigger the pipeline's default), the Entra app's, the claims word. */
const pipeline = (): Record<string, string> => ({
  ...deploy,
  "tenant-id": TENANT,
  "client-id": "22222222-3333-4444-5555-666666666666",
  scope: "api://fc-api/.default",
  "client-secret": "pipeline-client-secret-0123456789",
  "function-checks-claims": "true",
});
const tableBase = () => ({ inputs: { ...pipeline(), "http-trigger-jwks": JWKS }, workspace: examplesDir });

/** fc-pipeline's parser alone, as the action's adapter reads the inputs: what the adapters hand the step. */
const parsed = (given: Record<string, string>) => parsedBy(readFcPipelineInputs, given);

describe("fc-deploy refuses bad http-trigger input before any call", () => {
  refusalTable("fc-deploy", () => ({ inputs: valid(), workspace: examplesDir }), {
    "a trigger name starting with a digit": [
      { "http-trigger": "1http" },
      `http-trigger must be 1-128 letters, digits, '_' or '-', not starting with a digit or '-', such as http; got "1http".`,
    ],
    "an unknown auth type": [
      { "http-trigger-auth": "none" },
      'http-trigger-auth must be jwt (tokens checked against http-trigger-jwks), function (FC signature) or anonymous (anyone may call); got "none".',
    ],
    "jwt without keys": [
      { "http-trigger-jwks": undefined },
      "http-trigger-jwks or http-trigger-jwks-url is required with http-trigger-auth jwt: the public keys that sign accepted tokens (Entra: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys).",
    ],
    "both keys and a keys URL": [
      { "http-trigger-jwks-url": "https://login.microsoftonline.com/t/discovery/v2.0/keys" },
      "http-trigger-jwks and http-trigger-jwks-url are exclusive: give the keys or the URL they are read from, not both.",
    ],
    "keys that are not JSON": [
      { "http-trigger-jwks": "{keys" },
      'http-trigger-jwks is not valid JSON: give the JWKS document, {"keys":[…]}.',
    ],
    "an empty key set": [
      { "http-trigger-jwks": '{"keys":[]}' },
      'http-trigger-jwks must be a JSON Web Key Set: {"keys":[{"kty":"RSA","kid":…,"n":…,"e":…}]}.',
    ],
    "a private key in the set": [
      { "http-trigger-jwks": JSON.stringify({ keys: [{ kty: "RSA", n: "x", e: "AQAB", d: "secret" }] }) },
      'http-trigger-jwks: key 1 holds private key material ("d"): publish only the public keys (kty, kid, n, e or x, y).',
    ],
    "a symmetric key in the set": [
      { "http-trigger-jwks": JSON.stringify({ keys: [{ kty: "oct", k: "c2VjcmV0" }] }) },
      'http-trigger-jwks: key 1 holds private key material ("k"): publish only the public keys (kty, kid, n, e or x, y).',
    ],
    "a key without kty": [
      { "http-trigger-jwks": JSON.stringify({ keys: [{ n: "x" }] }) },
      "http-trigger-jwks: key 1 is not a JSON Web Key (it has no kty).",
    ],
    "a keys URL over http": [
      { "http-trigger-jwks": undefined, "http-trigger-jwks-url": "http://keys.example/jwks" },
      'http-trigger-jwks-url must be an https:// URL of a JWKS; got "http://keys.example/jwks".',
    ],
    "an unknown method": [
      { "http-trigger-methods": "GET,FETCH" },
      'http-trigger-methods must list HTTP methods from GET, POST, PUT, DELETE, HEAD, PATCH, OPTIONS; got "FETCH".',
    ],
    "a token lookup in an unknown place": [
      { "http-trigger-token-lookup": "body:token" },
      'http-trigger-token-lookup must be comma-separated header:<name>[:<prefix>], cookie:<name>, query:<name> or form:<name>, such as header:Authorization:Bearer; got "body:token".',
    ],
    "Entra's keys without the function checking the claims (any tenant's token would get in)": [
      {
        "http-trigger-jwks": undefined,
        "http-trigger-jwks-url": "https://login.microsoftonline.com/organizations/discovery/v2.0/keys",
      },
      ENTRA_KEYS_REFUSAL,
    ],
    "inline keys that name an Entra issuer, without function-checks-claims": [
      {
        "http-trigger-jwks": JSON.stringify({
          keys: [
            {
              kty: "RSA",
              kid: "k",
              n: "AQAB",
              e: "AQAB",
              issuer: "https://login.microsoftonline.com/t/v2.0",
            },
          ],
        }),
      },
      ENTRA_KEYS_REFUSAL,
    ],
    "a claim pass-through in an unknown place": [
      { "http-trigger-claim-pass-by": "cookie:aud:aud" },
      'http-trigger-claim-pass-by must be comma-separated <header|query>:<claim>:<name>, such as header:aud:x-jwt-aud,header:iss:x-jwt-iss,header:tid:x-jwt-tid; got "cookie:aud:aud".',
    ],
    "function-checks-claims without aud forwarded": [
      { "function-checks-claims": "true", "http-trigger-claim-pass-by": "header:tid:x-jwt-tid" },
      "http-trigger-claim-pass-by must forward aud and tid (or iss) for the function to check them, as function-checks-claims says it does: add header:aud:x-jwt-aud,header:tid:x-jwt-tid.",
    ],
    "function-checks-claims with anonymous auth": [
      { "http-trigger-auth": "anonymous", "http-trigger-jwks": undefined, "function-checks-claims": "true" },
      "function-checks-claims applies to http-trigger-auth jwt only: remove it, or set http-trigger-auth to jwt.",
    ],
    "an unknown rollout": [
      { rollout: "blue-green" },
      'rollout must be verify-then-promote (publish a version, check it, then move the alias) or direct (the trigger runs the latest code at once); got "blue-green".',
    ],
    "the alias LATEST": [
      { alias: "LATEST" },
      "alias must be 1-128 letters, digits, '_' or '-', not starting with a digit or '-', and not LATEST, such as live; got \"LATEST\".",
    ],
    "a traffic share over 100": [
      { traffic: "150" },
      'traffic must be a whole percentage from 1 to 100 (such as 10 for a canary, 100 to promote); got "150".',
    ],
    "a canary share with rollout direct": [
      { rollout: "direct", traffic: "10" },
      "traffic needs rollout verify-then-promote: a canary share is given to a published version through the alias.",
    ],
    // Without fc-pipeline's smoke test, only a test invoke can prove the new version before the alias moves.
    "verify-then-promote with no invoke to check the new version with": [
      { rollout: "verify-then-promote" },
      "rollout verify-then-promote needs a check before the alias moves: set invoke (a test payload the new version must answer without error), use fc-pipeline (its smoke test), or set rollout: direct.",
    ],
    "an alias without a trigger": [
      { "http-trigger": undefined, "http-trigger-jwks": undefined, alias: "live" },
      "alias applies to an HTTP trigger, which follows the alias: set http-trigger or remove alias.",
    ],
    "keys with anonymous auth": [
      { "http-trigger-auth": "anonymous" },
      "http-trigger-jwks applies to http-trigger-auth jwt only: remove it, or set http-trigger-auth to jwt.",
    ],
    "trigger settings without a trigger": [
      { "http-trigger": undefined },
      "http-trigger-jwks applies to an HTTP trigger only: set http-trigger (its name) or remove http-trigger-jwks.",
    ],
  });
});

describe("fc-pipeline's defaults", () => {
  it("an HTTP trigger named http, JWT-guarded by the tenant's signing keys, which the smoke test also uses", () => {
    const inputs = parsed(pipeline());
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
    const inputs = parsed({ ...pipeline(), "authority-host": "https://login.microsoftonline.us/" });
    assert.equal(
      inputs.deploy.httpTrigger.jwksUrl,
      `https://login.microsoftonline.us/${TENANT}/discovery/v2.0/keys`,
    );
  });
  it("inline keys replace the URL", () => {
    const inputs = parsed({ ...pipeline(), "http-trigger-jwks": JWKS, "http-trigger": "api" });
    assert.equal(inputs.deploy.httpTrigger.jwksUrl, undefined);
    assert.equal(inputs.deploy.httpTrigger.name, "api");
    assert.deepEqual(inputs.deploy.httpTrigger.jwks, JSON.parse(JWKS));
  });
});

describe("fc-pipeline refuses bad input before any call", () => {
  it("the inputs the cases start from pass every check", async () => {
    const verdict = await actionVerdict("fc-pipeline", tableBase());
    assert.equal(verdict.outcome, "accepted");
    for (const secret of ["trigger-input-secret-0123456789", "pipeline-client-secret-0123456789"])
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

describe("httpTriggerChanges", () => {
  const spec: HttpTriggerSpec = {
    name: "http",
    auth: "jwt",
    methods: ["GET", "POST"],
    jwt: {
      jwks: { keys: [{ kty: "RSA", kid: "a", n: "n", e: "AQAB" }] },
      tokenLookup: "header:Authorization:Bearer",
    },
  };
  const held = (config: unknown) => ({
    triggerType: "http",
    qualifier: "LATEST",
    triggerConfig: typeof config === "string" ? config : JSON.stringify(config),
  });
  const table: [string, ReturnType<typeof held> | { triggerType: string }, string[]][] = [
    ["the same config", held(httpTriggerConfig(spec)), []],
    [
      "methods in another order and keys in another order",
      held({
        disableURLInternet: false,
        methods: ["POST", "GET"],
        authConfig: JSON.stringify({
          TokenLookup: "header:Authorization:Bearer",
          JWKS: { keys: [{ e: "AQAB", n: "n", kid: "a", kty: "RSA" }] },
        }),
        authType: "jwt",
      }),
      [],
    ],
    [
      "another auth type",
      held({ authType: "anonymous", methods: ["GET", "POST"] }),
      ["auth", "jwks", "token lookup"],
    ],
    ["another method list", held({ ...JSON.parse(httpTriggerConfig(spec)), methods: ["GET"] }), ["methods"]],
    [
      "the Internet URL disabled",
      held({ ...JSON.parse(httpTriggerConfig(spec)), disableURLInternet: true }),
      ["internet URL"],
    ],
    [
      "claims forwarded that were not",
      held({
        ...JSON.parse(httpTriggerConfig(spec)),
        authConfig: JSON.stringify({
          ...JSON.parse(JSON.parse(httpTriggerConfig(spec)).authConfig),
          ClaimPassBy: "header:aud:x-jwt-aud",
        }),
      }),
      ["claim pass-through"],
    ],
    ["not an http trigger", { triggerType: "timer" }, ["type"]],
  ];
  for (const [name, current, expected] of table)
    it(name, () => assert.deepEqual(httpTriggerChanges(current, spec), expected));
});
