import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { SignJWT } from "jose";
import { explainAadsts } from "../src/entra/aadsts-errors.ts";
import { readTokenClaims } from "../src/entra/token-claims.ts";
import { checkTokenExpectations } from "../src/entra/token-expectations.ts";
import { isUserError } from "../src/errors.ts";
import { entraIssuers } from "../src/identity/entra-issuers.ts";

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
  const cases: Record<
    string,
    [() => Promise<string>, { issuers?: string[]; audiences?: string[] }, RegExp | undefined]
  > = {
    "v1 token, v1 issuer and URI audience expected": [
      v1,
      { issuers: [entraIssuers(tid).v1], audiences: ["api://my-oci-api"] },
      undefined,
    ],
    "v1 token, gateway expects v2": [
      v1,
      { issuers: [entraIssuers(tid).v2] },
      /^the token is v1 with issuer https:\/\/sts\.windows\.net\/.*set accessTokenAcceptedVersion=2/,
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
  const cases: Record<string, RegExp> = {
    "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent... Trace ID: 1\nCorrelation ID: 2":
      /^AADSTS7000215: the client secret is wrong/,
    "AADSTS7000222: The provided client secret keys for app 'x' are expired.":
      /^AADSTS7000222: the client secret has expired/,
    "AADSTS70021: No matching federated identity record found for presented assertion.":
      /^AADSTS70021: no federated identity credential matches/,
    "AADSTS999999: Something new. Trace ID: abc": /^AADSTS999999: Something new\.$/,
    "network down": /^network down$/,
  };
  for (const [description, expected] of Object.entries(cases)) {
    it(description.slice(0, 40), () => assert.match(explainAadsts(description), expected));
  }
});
