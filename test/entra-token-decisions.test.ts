// entra-token's decisions in process: the input it refuses before calling Entra (test/support/input-table.ts:
// Entra's address is the tripwire's), one line naming the input and the fix; the claims it reads, the v1/v2
// expectations, the AADSTS explanations, and when the pipeline may reuse preflight's token. Entra's own
// refusals, through the runner: test/entra-token-action.test.ts.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { explainAadsts } from "../src/entra/aadsts-errors.ts";
import { readTokenClaims, type TokenClaims } from "../src/entra/token-claims.ts";
import { checkTokenExpectations } from "../src/entra/token-expectations.ts";
import { isUserError } from "../src/errors.ts";
import { entraIssuers } from "../src/identity/entra-issuers.ts";
import type { EntraTokenInputs } from "../src/steps/entra-token.ts";
import { REUSE_MARGIN_MS, reusableToken } from "../src/steps/entra-token-handover.ts";
import { createSelfSignedCert, type SelfSignedCert } from "./emulators/entra/self-signed-cert.ts";
import { actionRefusal, actionVerdict, refusalTable, tripwire } from "./support/input-table.ts";

const SECRET = "s3cr3t~Value.With-Chars_0123456789";
let cert: SelfSignedCert;
before(async () => {
  cert = await createSelfSignedCert("fngate-ci");
});

const tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const apiClientId = "0b9c3e4a-1111-2222-3333-444455556666";
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "key-1" })
    .setExpirationTime("1h")
    .sign(privateKey);
}
const v1 = () =>
  token({
    ver: "1.0",
    iss: entraIssuers(tid).v1,
    aud: "api://my-oci-api",
    tid,
    appid: "client-a",
    roles: ["Invoke"],
  });
const v2 = () =>
  token({ ver: "2.0", iss: entraIssuers(tid).v2, aud: apiClientId, tid, azp: "client-a", roles: [] });

describe("readTokenClaims", () => {
  it("reads v1 and v2 app-only tokens", async () => {
    const one = readTokenClaims(await v1());
    assert.deepEqual(
      { ...one, expiresOn: undefined },
      {
        issuer: `https://sts.windows.net/${tid}/`,
        audience: "api://my-oci-api",
        version: "1.0",
        tenantId: tid,
        clientId: "client-a",
        roles: ["Invoke"],
        expiresOn: undefined,
        keyId: "key-1",
      },
    );
    const two = readTokenClaims(await v2());
    assert.equal(two.issuer, `https://login.microsoftonline.com/${tid}/v2.0`);
    assert.equal(two.audience, apiClientId);
    assert.equal(two.clientId, "client-a");
    assert.ok(two.expiresOn.getTime() > Date.now());
  });

  it("refuses something that is not a JWT", () => {
    assert.throws(
      () => readTokenClaims("not-a-jwt"),
      (e: unknown) => isUserError(e) && /not a JWT/.test(e.message),
    );
  });
});

describe("checkTokenExpectations explains the v1/v2 trap", () => {
  // A v1 token where v2 is expected: entra-token-action.test.ts "expected-issuer v2 while the API app
  // issues v1 tokens".
  const cases: Record<
    string,
    [() => Promise<string>, { issuers?: string[]; audiences?: string[] }, RegExp | undefined]
  > = {
    "v1 token, v1 issuer and URI audience expected": [
      v1,
      { issuers: [entraIssuers(tid).v1], audiences: ["api://my-oci-api"] },
      undefined,
    ],
    "v2 token, gateway expects v1": [
      v2,
      { issuers: [entraIssuers(tid).v1] },
      /^the token is v2 .*set accessTokenAcceptedVersion=1/,
    ],
    "v2 token, URI audience expected": [
      v2,
      { audiences: ["api://my-oci-api"] },
      /^the token's audience is 0b9c3e4a.*v2 tokens carry the API app's client id/,
    ],
    "v2 token, both issuers accepted": [
      v2,
      { issuers: [entraIssuers(tid).v1, entraIssuers(tid).v2], audiences: [apiClientId] },
      undefined,
    ],
  };
  for (const [name, [make, expected, message]] of Object.entries(cases)) {
    it(name, async () => {
      const claims = readTokenClaims(await make());
      if (!message) return checkTokenExpectations(claims, expected);
      assert.throws(
        () => checkTokenExpectations(claims, expected),
        (e: unknown) => isUserError(e) && message.test(e.message),
      );
    });
  }
});

describe("explainAadsts", () => {
  // AADSTS7000222 and 70021 as a user reads them: entra-token-action.test.ts "entra-token explains
  // what Entra refuses".
  const cases: Record<string, RegExp> = {
    "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent... Trace ID: 1\nCorrelation ID: 2":
      /^AADSTS7000215: the client secret is wrong/,
    "AADSTS999999: Something new. Trace ID: abc": /^AADSTS999999: Something new\.$/,
    "network down": /^network down$/,
  };
  for (const [description, expected] of Object.entries(cases)) {
    it(description.slice(0, 40), () => assert.match(explainAadsts(description), expected));
  }
});

describe("reusableToken: the pipeline's entra-token stage takes preflight's token only for the same request", () => {
  const request: EntraTokenInputs = {
    tenantId: tid,
    clientId: "client-a",
    scope: "api://my-oci-api/.default",
    clientSecret: "s3cret-value",
    federated: false,
    authorityHost: "login.microsoftonline.com",
    expected: {},
  };
  const now = new Date("2026-12-05T03:00:00Z");
  const issued = (expiresInMs: number) => ({
    request,
    token: {
      accessToken: "eyJ.not-read.here",
      expiresOn: new Date(now.getTime() + expiresInMs),
      claims,
      credential: "secret" as const,
    },
  });
  let claims: TokenClaims;
  before(async () => {
    claims = readTokenClaims(await v1());
  });
  it("reuses it for identical inputs (expectations aside) with more than MSAL's 5 minutes left", () => {
    const one = issued(REUSE_MARGIN_MS + 1000);
    assert.equal(
      reusableToken(one, { ...request, expected: { audiences: ["api://my-oci-api"] } }, now),
      one.token,
    );
  });
  const { clientSecret: _, ...withoutSecret } = request;
  const cases: [string, EntraTokenInputs][] = [
    ["another scope", { ...request, scope: "api://other/.default" }],
    ["another client", { ...request, clientId: "client-b" }],
    ["another tenant", { ...request, tenantId: "11111111-2222-3333-4444-555555555555" }],
    ["another authority", { ...request, authorityHost: "login.microsoftonline.us" }],
    ["another secret", { ...request, clientSecret: "rotated" }],
    ["another credential", { ...withoutSecret, federated: true }],
  ];
  for (const [what, other] of cases) {
    it(`asks Entra again for ${what}`, () => {
      assert.equal(reusableToken(issued(3_600_000), other, now), undefined);
    });
  }
  it("asks Entra again when the token expires within 5 minutes, or when preflight got none", () => {
    assert.equal(reusableToken(issued(REUSE_MARGIN_MS), request, now), undefined);
    assert.equal(reusableToken(issued(-1000), request, now), undefined);
    assert.equal(reusableToken(undefined, request, now), undefined);
  });
});

describe("entra-token refuses bad input before calling Entra", () => {
  // Every check before the first call: Entra's address is the tripwire's.
  const offline = async (given: Record<string, string>) => ({
    "tenant-id": tid,
    "client-id": apiClientId,
    scope: "api://my-oci-api/.default",
    "authority-host": (await tripwire()).host,
    ...given,
  });
  const base = async () => ({ inputs: await offline({ "client-secret": SECRET }) });

  it("the inputs the cases start from pass every check", async () => {
    const verdict = await actionVerdict("entra-token", await base());
    assert.equal(verdict.outcome, "accepted");
    assert.ok(verdict.masks.includes(SECRET), "client-secret is masked");
  });
  refusalTable("entra-token", base, {
    "no credential": [
      { "client-secret": undefined },
      /^no credential given: set exactly one of client-secret, client-certificate/,
    ],
    "two credentials": [
      { federated: "true" },
      /^client-secret and federated: true are both set: keep exactly one credential\.$/,
    ],
    "a client-id that is not a GUID": [
      { "client-id": "my-app" },
      /^client-id "my-app" is not a GUID: copy the Application \(client\) ID/,
    ],
    "a tenant-id that is neither GUID nor domain": [
      { "tenant-id": "not a tenant" },
      /^tenant-id "not a tenant" is neither a GUID nor a domain name/,
    ],
    "a scope without /.default": [
      { scope: "api://my-oci-api/Invoke" },
      /^scope "api:\/\/my-oci-api\/Invoke" must end in \/\.default: .*\(e\.g\. api:\/\/my-oci-api\/\.default\)/,
    ],
  });
  it("a certificate without its key", async () => {
    const given = { inputs: await offline({ "client-certificate": cert.certPem }) };
    assert.match(
      await actionRefusal("entra-token", given),
      /^client-certificate is set without client-certificate-key: /,
    );
  });
});
