// The pure decisions behind gateway-deploy: routes and auth read from the inputs (no JWKS without
// issuers: a key set can sign for many issuers, Entra's signs for every tenant; required claims read
// into the policy's verifyClaims; OCI's clock-skew limit), the merge of the wanted routes into a
// deployed specification, and the no-op comparison, which still holds with verifyClaims deployed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UserError } from "../src/errors.ts";
import { type AuthInputs, readAuth } from "../src/oci/gateway/gateway-auth-input.ts";
import { readRequiredClaims } from "../src/oci/gateway/gateway-claims-input.ts";
import {
  type MergeRequest,
  mergeSpecification,
  sameSpecification,
} from "../src/oci/gateway/gateway-merge.ts";
import { type DesiredRoute, readRoutes } from "../src/oci/gateway/gateway-routes-input.ts";
import { canonicalSpecification, type Json } from "../src/oci/gateway/gateway-spec.ts";

const FN_A = `ocid1.fnfunc.oc1.phx.aaaaaaaa${"a".repeat(52)}`;
const FN_B = `ocid1.fnfunc.oc1.phx.aaaaaaaa${"b".repeat(52)}`;
const TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const entra = (extra: Partial<AuthInputs> = {}): AuthInputs => ({
  entraTenantId: TID,
  audiences: "api://fngate",
  allowAnonymous: false,
  ...extra,
});
const AUTH = readAuth(entra());

function route(path: string, methods: string[], functionId = FN_A): DesiredRoute {
  return { path, methods, functionId };
}

function request(routes: DesiredRoute[], overrides: Partial<MergeRequest> = {}): MergeRequest {
  return { auth: AUTH, routes, prune: false, allowAnonymous: false, ...overrides };
}

/** `work` throws the user's error matching `message`, in one line. */
function refused(work: () => unknown, message: RegExp): void {
  assert.throws(
    work,
    (error: unknown) =>
      error instanceof UserError && message.test(error.message) && !error.message.includes("\n"),
  );
}

/** GET /hello deployed with the auth `inputs` ask for, onto `existing`. */
const deploy = (inputs: AuthInputs, existing?: Json) =>
  mergeSpecification(existing, request([route("/hello", ["GET"])], { auth: readAuth(inputs) }));

const policyOf = (spec: Json) =>
  ((spec.requestPolicies as Json).authentication as Json).validationPolicy as Json;

describe("readRoutes", () => {
  // Bad YAML and a route-path without "/" are refused through the action in test/reliability/r4-cases.ts.
  // "not a list" shows an example list after its first line.
  const failures: Record<string, [Parameters<typeof readRoutes>[0], RegExp]> = {
    "not a list": [
      { routes: "path: /a" },
      /^routes must be a YAML list of routes, one item per route with path, methods and function-id, such as "- \{path: \/hello, methods: \[GET, POST\], function-id: ocid1\.fnfunc\.oc1…\}"\.$/,
    ],
    "missing function-id": [{ routes: "- path: /a" }, /^routes item 1: function-id is required/],
    "unknown method": [
      { routes: `- {path: /a, methods: [GET, FETCH], function-id: ${FN_A}}` },
      /^routes item 1: methods: "FETCH" is not a method/,
    ],
    "unknown field": [
      { routes: `- {path: /a, function: ${FN_A}}` },
      /^routes item 1 has an unknown field "function"/,
    ],
    "not a function OCID": [{ functionId: "ocid1.fnapp.oc1..x" }, /^function-id must be a function OCID/],
    "repeated method": [
      {
        routes: `- {path: /a, function-id: ${FN_A}}\n- {path: /a, methods: [GET, POST], function-id: ${FN_B}}`,
      },
      /^routes item 2 repeats GET \/a of item 1/,
    ],
    nothing: [{}, /^function-id is required/],
  };
  for (const [name, [inputs, message]] of Object.entries(failures)) {
    it(`refuses ${name} with one line naming the input`, () => refused(() => readRoutes(inputs), message));
  }

  it("reads the YAML list and the shorthand alike", () => {
    assert.deepEqual(readRoutes({ routes: `- {path: /a, methods: [post, get], function-id: ${FN_A}}` }), [
      route("/a", ["GET", "POST"]),
    ]);
    assert.deepEqual(readRoutes({ functionId: FN_B, routeMethods: "GET, POST" }), [
      route("/", ["GET", "POST"], FN_B),
    ]);
  });
});

describe("readAuth", () => {
  // An http:// JWKS, no audiences and a cache of 0 hours: test/reliability/r4-cases.ts, through the action.
  it("entra-tenant-id gives the tenant's JWKS on the authority host and both issuer forms", () => {
    const auth = readAuth({
      entraTenantId: TID,
      authorityHost: "127.0.0.1:8443",
      audiences: "a",
      allowAnonymous: false,
    });
    assert.equal(auth?.jwksUri, `https://127.0.0.1:8443/${TID}/discovery/v2.0/keys`);
    assert.deepEqual(auth?.issuers, [
      `https://sts.windows.net/${TID}/`,
      `https://login.microsoftonline.com/${TID}/v2.0`,
    ]);
    assert.equal(readAuth({ allowAnonymous: false }), undefined);
  });
});

describe("issuers with a JWKS", () => {
  it("jwks-uri without issuers is refused, naming issuers and entra-tenant-id", () => {
    refused(
      () =>
        readAuth({
          jwksUri: "https://login.microsoftonline.com/common/discovery/v2.0/keys",
          audiences: "a",
          allowAnonymous: false,
        }),
      /^issuers is required with jwks-uri: list the iss .* or use entra-tenant-id .*any tenant's token would pass\.$/,
    );
    refused(
      () => readAuth({ jwksUri: "https://keys.test/jwks", audiences: "a", allowAnonymous: true }),
      /^issuers is required with jwks-uri/,
    );
  });

  // entra-tenant-id's two issuer forms: "readAuth" below.
  it("jwks-uri with issuers gives a policy that checks the issuer", () => {
    const own = readAuth({
      jwksUri: "https://keys.test/jwks",
      issuers: "https://i.test/",
      audiences: "a",
      allowAnonymous: false,
    });
    assert.deepEqual(own?.issuers, ["https://i.test/"]);
  });

  it("a kept policy that checks no issuer is called out", () => {
    const issuerless = {
      requestPolicies: {
        authentication: {
          type: "TOKEN_AUTHENTICATION",
          tokenHeader: "Authorization",
          tokenAuthScheme: "Bearer",
          validationPolicy: {
            type: "REMOTE_JWKS",
            uri: "https://keys.test/jwks",
            additionalValidationPolicy: { audiences: ["a"] },
          },
        },
      },
      routes: [],
    };
    const kept = mergeSpecification(issuerless, request([route("/hello", ["GET"])], { auth: undefined }));
    assert.match(
      kept.notes.join(" "),
      /That policy checks no issuer: .*set entra-tenant-id, or jwks-uri with issuers/,
    );
  });
});

describe("required-claims", () => {
  it("reads claim=value lines into verifyClaims entries, every line required", () => {
    assert.deepEqual(
      readRequiredClaims("roles=Api.Invoke\n# the caller\nazp = id-1, id-2,\n\ntid\nroles=Api.Write"),
      [
        { key: "roles", values: ["Api.Invoke"], isRequired: true },
        { key: "azp", values: ["id-1", "id-2"], isRequired: true },
        { key: "tid", values: [], isRequired: true },
        { key: "roles", values: ["Api.Write"], isRequired: true },
      ],
    );
    assert.deepEqual(readRequiredClaims(undefined), []);
  });

  const bad: Record<string, [string, RegExp]> = {
    "no claim name": ["=x", /^required-claims line 1: expected claim=value \(e\.g\. roles=Api\.Invoke/],
    "a name with spaces": ["app roles=x", /^required-claims line 1: expected claim=value/],
    "a claim with = and no value": ["roles=\nazp=,", /^required-claims line 1: roles= has no value/],
    iss: [
      "iss=https://x/",
      /^required-claims line 1: iss cannot be a required claim: set issuers instead\.$/,
    ],
    aud: ["\naud=x", /^required-claims line 2: aud cannot be a required claim: set audiences instead\.$/],
    exp: ["exp=1", /^required-claims line 1: exp cannot be a required claim: the gateway checks it already/],
  };
  for (const [name, [text, message]] of Object.entries(bad)) {
    it(`refuses ${name} with one line`, () =>
      refused(() => readAuth(entra({ requiredClaims: text })), message));
  }

  const unreadable: Record<string, [AuthInputs, RegExp]> = {
    "required-claims without a key source": [
      { requiredClaims: "roles=x", allowAnonymous: false },
      /^issuers, audiences and required-claims need a key source/,
    ],
    "audiences alone": [
      { audiences: "x", allowAnonymous: false },
      /^issuers, audiences and required-claims need a key source/,
    ],
    "a bad tenant": [
      { entraTenantId: "contoso", audiences: "x", allowAnonymous: false },
      /^entra-tenant-id must/,
    ],
  };
  for (const [name, [inputs, message]] of Object.entries(unreadable)) {
    it(`refuses ${name}`, () => refused(() => readAuth(inputs), message));
  }

  it("become the policy's verifyClaims (values left out for presence only), and a re-run changes nothing", () => {
    const auth = entra({ requiredClaims: "roles=Api.Invoke\ntid" });
    const first = deploy(auth);
    assert.deepEqual((policyOf(first.specification).additionalValidationPolicy as Json).verifyClaims, [
      { key: "roles", values: ["Api.Invoke"], isRequired: true },
      { key: "tid", isRequired: true },
    ]);
    assert.equal(deploy(auth, first.specification).changed, false);
    // OCI echoes unset fields as null or empty: still the same specification.
    const echoed = JSON.parse(JSON.stringify(first.specification)) as Json;
    const claims = (policyOf(echoed).additionalValidationPolicy as Json).verifyClaims as Json[];
    (claims[1] as Json).values = null;
    assert.equal(deploy(auth, echoed).changed, false);
    assert.equal(
      deploy(entra({ requiredClaims: "roles=Api.Admin\ntid" }), first.specification).changed,
      true,
    );
    assert.equal(deploy(entra(), first.specification).changed, true, "dropping them is a change too");
  });
});

describe("max-clock-skew", () => {
  it("is 0 to 120, OCI's limit", () => {
    assert.equal(readAuth(entra({ maxClockSkew: "120" }))?.maxClockSkewInSeconds, 120);
    refused(
      () => readAuth(entra({ maxClockSkew: "121" })),
      /^max-clock-skew must be a whole number from 0 to 120; got "121"\.$/,
    );
  });
});

describe("mergeSpecification", () => {
  const deployed = mergeSpecification(
    undefined,
    request([route("/a", ["GET"]), route("/b", ["GET", "POST"])]),
  ).specification;

  it("creates TOKEN_AUTHENTICATION with a remote JWKS and AUTHENTICATION_ONLY routes", () => {
    const auth = (deployed.requestPolicies as Json).authentication as Json;
    assert.equal(auth.type, "TOKEN_AUTHENTICATION");
    assert.equal(auth.isAnonymousAccessAllowed, false);
    assert.deepEqual((auth.validationPolicy as Json).type, "REMOTE_JWKS");
    const first = (deployed.routes as Json[])[0] as Json;
    assert.deepEqual(first.requestPolicies, { authorization: { type: "AUTHENTICATION_ONLY" } });
    assert.deepEqual(first.backend, { type: "ORACLE_FUNCTIONS_BACKEND", functionId: FN_A });
  });

  it("an overlapping method set is refused with the way out", () => {
    assert.throws(
      () => mergeSpecification(deployed, request([route("/b", ["GET"])])),
      /route GET \/b overlaps the deployed route GET,POST \/b: .*prune: true/,
    );
  });

  // Appended, replaced in place and pruned routes, and a JWT_AUTHENTICATION policy kept or replaced:
  // gateway-deploy-action.test.ts; the same routes again change nothing: oci-server-defaults.test.ts;
  // no authentication without allow-anonymous is refused: test/reliability/r6-secure-defaults.test.ts.
  it("allow-anonymous: routes without authentication carry no authorization policy", () => {
    const open = mergeSpecification(
      undefined,
      request([route("/a", ["GET"])], { auth: undefined, allowAnonymous: true }),
    );
    assert.equal((open.specification.routes as Json[])[0]?.requestPolicies, undefined);
  });
});

describe("sameSpecification", () => {
  const spec = mergeSpecification(undefined, request([route("/a", ["GET", "POST"])])).specification;
  it("ignores what OCI echoes as defaults and the order of keys and methods", () => {
    const echoed = JSON.parse(JSON.stringify(spec)) as Json;
    const r = (echoed.routes as Json[])[0] as Json;
    r.methods = ["POST", "GET"];
    r.responsePolicies = {};
    echoed.loggingPolicies = { accessLog: null };
    assert.ok(sameSpecification(spec, echoed));
    assert.equal(
      canonicalSpecification({ routes: [{ path: "/" }] }),
      canonicalSpecification({ routes: [{ path: "/", methods: ["GET"] }] }),
    );
  });
  // A changed audience is a change: oci-server-defaults.test.ts "changed: another audience".
});
