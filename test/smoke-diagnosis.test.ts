// The smoke test's decisions over pure inputs: the diagnosis of a failed positive check (the answer, the
// URL asked, the token's claims and, in the pipeline, what gateway-deploy deployed), and what it hides in
// an API's answer before anything is judged or shown: a token, and any text keeping its
// `header.payload.` (a tampered variant gives the token back by flipping one bit).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jwtPrefix, tokenRedactor } from "../src/http/token-redaction.ts";
import { tamperSignature, withAlgNone } from "../src/http/token-variants.ts";
import type { DeployedApi } from "../src/oci/gateway/deployed-api.ts";
import { deployedApi } from "../src/oci/gateway/deployed-api.ts";
import {
  diagnoseFailure,
  type FailedCall,
  functionBehind,
  routeMatches,
} from "../src/steps/smoke-diagnosis.ts";

const NOW = 1_800_000_000;
const ENDPOINT = "https://gw.example.com/api";
const ISSUER = "https://login.microsoftonline.com/tenant/v2.0";
const AUDIENCE = "api://fngate";

const api: DeployedApi = {
  endpoint: ENDPOINT,
  pathPrefix: "/api",
  routes: [
    { path: "/hello", methods: ["GET"], functionId: "ocid1.fnfunc.oc1..hello" },
    { path: "/items/{id}", methods: ["GET", "POST"], functionId: "ocid1.fnfunc.oc1..items" },
  ],
  issuers: [ISSUER],
  audiences: [AUDIENCE],
  requiredClaims: [{ key: "roles", values: ["Api.Read"], isRequired: true }],
  maxClockSkewInSeconds: 30,
};
const good = { iss: ISSUER, aud: AUDIENCE, exp: NOW + 600, roles: ["Api.Read"] };

function call(overrides: Partial<FailedCall>): FailedCall {
  return { status: 500, url: `${ENDPOINT}/hello`, method: "GET", nowSeconds: NOW, ...overrides };
}

const table: Record<string, [call: FailedCall, expected: RegExp | undefined]> = {
  "500 in the pipeline: the exact statement": [
    call({
      deployed: api,
      invokeStatement: { statement: "ALLOW any-user to use functions-family in tenancy where X" },
    }),
    /not allowed to invoke the function.*tenancy \(root compartment\): ALLOW any-user to use functions-family in tenancy where X \(https:\/\/docs\.oracle\.com.*fngate preflight/,
  ],
  "502 standalone: the generic form with placeholders and preflight": [
    call({ status: 502 }),
    /^if this is an OCI API Gateway route.*ALLOW any-user to use functions-family in compartment <functions' compartment path> where ALL \{request\.principal\.type = 'ApiGateway', request\.resource\.compartment\.id = '<gateway's compartment OCID>'\}; run `fngate preflight`/,
  ],
  "500 when the lookup failed: generic form and why": [
    call({ deployed: api, invokeStatement: { unknown: "GetGateway: 404 NotAuthorizedOrNotFound" } }),
    /<functions' compartment path>.*could not be worked out: GetGateway: 404 NotAuthorizedOrNotFound/,
  ],
  "404 under the prefix: the routes deployed": [
    call({ status: 404, url: `${ENDPOINT}/helo`, deployed: api }),
    /^no deployed route matches \/helo under path prefix \/api \(asked \/api\/helo\); the deployment serves GET \/api\/hello; GET,POST \/api\/items\/\{id\}/,
  ],
  "404 outside the prefix": [
    call({ status: 404, url: "https://gw.example.com/v1/hello", deployed: api }),
    /^\/v1\/hello is not under the deployment's path prefix \/api; it serves GET \/api\/hello/,
  ],
  "404 on a deployed path with another method": [
    call({ status: 404, url: `${ENDPOINT}/hello`, method: "POST", deployed: api }),
    /^route \/api\/hello is deployed for GET, not POST/,
  ],
  "404 on a deployed route: the function's own 404": [
    call({ status: 404, url: `${ENDPOINT}/items/42`, deployed: api }),
    /^route \/api\/items\/\{id\} is deployed, so the 404 likely comes from the function/,
  ],
  "404 standalone": [call({ status: 404 }), /^no route answers GET \/api\/hello: .*url output/],
  // A wrong audience, from what the pipeline deployed: pipeline-preflight.test.ts "a 401 names the audience".
  "401 wrong issuer and missing role (both named)": [
    call({
      status: 401,
      claims: { ...good, iss: "https://sts.windows.net/tenant/", roles: undefined },
      deployed: api,
    }),
    /issuer: the token's iss is "https:\/\/sts\.windows\.net\/tenant\/".*; required claim roles: the token has none, the gateway requires it with one of "Api\.Read"/,
  ],
  "401 role present but not the required one": [
    call({ status: 401, claims: { ...good, roles: ["Api.Write"] }, deployed: api }),
    /required claim roles: the token has \["Api\.Write"\], the gateway requires one of "Api\.Read"/,
  ],
  "401 expired beyond the clock skew": [
    call({ status: 401, claims: { ...good, exp: NOW - 31 }, deployed: api }),
    /^the token differs from the deployed policy: expiry: the token expired at 2027-01-15T07:59:29Z \(max clock skew 30 s\); get a fresh token/,
  ],
  "401 expired within the clock skew: not the cause": [
    call({ status: 401, claims: { ...good, exp: NOW - 29 }, deployed: api }),
    /match the deployed policy, so its signature/,
  ],
  "401 not yet valid": [
    call({ status: 401, claims: { ...good, nbf: NOW + 60 }, deployed: api }),
    /expiry: the token is not valid before/,
  ],
  "401 everything matches: the signature/JWKS": [
    call({ status: 401, claims: good, deployed: api }),
    /match the deployed policy, so its signature is likely what failed/,
  ],
  "401 with a token that is no JWT": [
    call({ status: 401, claims: "undecodable", deployed: api }),
    /^the token is not a JWT/,
  ],
  "401 standalone: the claims to compare": [
    call({ status: 401, claims: good }),
    /^the token has iss "https:\/\/login\.microsoftonline\.com\/tenant\/v2\.0" and aud "api:\/\/fngate": compare them with the deployment's issuers and audiences/,
  ],
  "401 standalone, expired": [
    call({ status: 401, claims: { ...good, exp: NOW - 1 } }),
    /^the token differs from what the gateway accepts: expiry/,
  ],
  "401 without a token: nothing to say": [call({ status: 401, deployed: api }), undefined],
  "403: nothing to say": [call({ status: 403, claims: good, deployed: api }), undefined],
  "503: nothing to say": [call({ status: 503, deployed: api }), undefined],
};

describe("smoke-test diagnosis of a failed positive check", () => {
  for (const [name, [input, expected]] of Object.entries(table)) {
    it(name, () => {
      const cause = diagnoseFailure(input);
      if (expected === undefined) assert.equal(cause, undefined);
      else assert.match(cause ?? "(none)", expected);
    });
  }

  it("an optional claim the token lacks is no difference; one it carries with another value is", () => {
    const optional: DeployedApi = {
      ...api,
      requiredClaims: [{ key: "tid", values: ["t1"], isRequired: false }],
    };
    assert.match(
      diagnoseFailure(call({ status: 401, claims: good, deployed: optional })) ?? "",
      /match the deployed policy/,
    );
    assert.match(
      diagnoseFailure(call({ status: 401, claims: { ...good, tid: "t2" }, deployed: optional })) ?? "",
      /required claim tid: the token has "t2", the gateway requires one of "t1"/,
    );
  });

  it("route paths match OCI's {param} and final {param*} forms", () => {
    assert.ok(routeMatches("/items/{id}", "/items/42"));
    assert.ok(!routeMatches("/items/{id}", "/items"));
    assert.ok(!routeMatches("/items/{id}", "/items/42/x"));
    assert.ok(routeMatches("/files/{rest*}", "/files/a/b/c"));
    assert.ok(routeMatches("/", "/"));
    assert.ok(!routeMatches("/hello", "/"));
  });

  it("the function behind the URL asked, else the first function route", () => {
    assert.equal(functionBehind(api, `${ENDPOINT}/items/7`), "ocid1.fnfunc.oc1..items");
    assert.equal(functionBehind(api, `${ENDPOINT}/nowhere`), "ocid1.fnfunc.oc1..hello");
  });

  it("reads routes, verifyClaims and clock skew from a deployed TOKEN_AUTHENTICATION specification", () => {
    const authentication = {
      type: "TOKEN_AUTHENTICATION",
      maxClockSkewInSeconds: 60,
      validationPolicy: {
        type: "REMOTE_JWKS",
        uri: "https://keys",
        additionalValidationPolicy: {
          issuers: [ISSUER],
          audiences: [AUDIENCE],
          verifyClaims: [{ key: "roles", values: ["Api.Read"], isRequired: true }, { key: "tid" }],
        },
      },
    };
    const spec = {
      requestPolicies: { authentication },
      routes: [
        { path: "/hello", backend: { type: "ORACLE_FUNCTIONS_BACKEND", functionId: "ocid1.fnfunc.oc1..f" } },
        { path: "/static", methods: ["get"], backend: { type: "STOCK_RESPONSE_BACKEND" } },
      ],
    };
    assert.deepEqual(deployedApi(spec, authentication, { endpoint: ENDPOINT, pathPrefix: "/api" }), {
      endpoint: ENDPOINT,
      pathPrefix: "/api",
      routes: [
        { path: "/hello", methods: ["GET"], functionId: "ocid1.fnfunc.oc1..f" },
        { path: "/static", methods: ["GET"] },
      ],
      issuers: [ISSUER],
      audiences: [AUDIENCE],
      requiredClaims: [
        { key: "roles", values: ["Api.Read"], isRequired: true },
        { key: "tid", values: [], isRequired: false },
      ],
      maxClockSkewInSeconds: 60,
    });
  });
});

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";

describe("tokenRedactor", () => {
  const redact = tokenRedactor([TOKEN, undefined, "x-api-key-value-123", "  "]);
  const cases: [string, string, string][] = [
    ["the token", `got Bearer ${TOKEN}`, "got Bearer ***"],
    ["the tampered variant", `got Bearer ${tamperSignature(TOKEN)}`, "got Bearer ***"],
    ["the prefix with any signature", `"${jwtPrefix(TOKEN)}AAAA+/=="`, '"***"'],
    ["the prefix with no signature", `${jwtPrefix(TOKEN)} end`, "*** end"],
    ["the token twice, in JSON", JSON.stringify({ a: TOKEN, b: [TOKEN] }), '{"a":"***","b":["***"]}'],
    ["a header value given as a secret", "key=x-api-key-value-123;", "key=***;"],
  ];
  for (const [name, text, expected] of cases) {
    it(`hides ${name}`, () => assert.equal(redact(text), expected));
  }

  it("keeps what carries no secret: the alg-none variant's claims under another header, other text", () => {
    const none = withAlgNone(TOKEN);
    assert.equal(redact(`alg none: ${none}`), `alg none: ${none}`);
    assert.equal(redact("Hello World"), "Hello World");
  });

  it("hides a non-JWT secret where it appears as it is", () => {
    const opaque = tokenRedactor(["opaque.token-value"]);
    assert.equal(opaque("Bearer opaque.token-value!"), "Bearer ***!");
  });

  it("reads a JWT prefix only from three segments with a header and a payload", () => {
    assert.equal(jwtPrefix("a.b.c"), "a.b.");
    assert.equal(jwtPrefix("a.b."), "a.b.");
    assert.equal(jwtPrefix(".b.c"), undefined);
    assert.equal(jwtPrefix("a.b"), undefined);
    assert.equal(jwtPrefix("a.b.c.d.e"), undefined);
  });
});
