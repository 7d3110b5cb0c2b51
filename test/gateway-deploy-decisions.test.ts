// The pure decisions behind gateway-deploy: routes and auth read from the inputs, the merge of the
// wanted routes into a deployed specification, and the no-op comparison.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UserError } from "../src/errors.ts";
import { readAuth } from "../src/oci/gateway/gateway-auth-input.ts";
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

const AUTH = readAuth({ entraTenantId: TID, audiences: "api://fngate", allowAnonymous: false });

function route(path: string, methods: string[], functionId = FN_A): DesiredRoute {
  return { path, methods, functionId };
}

function request(routes: DesiredRoute[], overrides: Partial<MergeRequest> = {}): MergeRequest {
  return { auth: AUTH, routes, prune: false, allowAnonymous: false, ...overrides };
}

function paths(spec: Json): string[] {
  return (spec.routes as Json[]).map((r) => `${(r.methods as string[]).join(",")} ${String(r.path)}`);
}

describe("readRoutes", () => {
  // Bad YAML and a route-path without "/" are refused through the action in test/reliability/r4-cases.ts.
  const failures: Record<string, [Parameters<typeof readRoutes>[0], RegExp]> = {
    "not a list": [{ routes: "path: /a" }, /^routes must be a YAML list/],
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
    it(`refuses ${name} with one line naming the input`, () => {
      assert.throws(
        () => readRoutes(inputs),
        (error: unknown) => error instanceof UserError && message.test(error.message),
      );
    });
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
  // What it refuses: gateway-auth-decisions.test.ts; an http:// JWKS, no audiences and a cache of 0
  // hours: test/reliability/r4-cases.ts, through the action.
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

  const table: Record<string, [DesiredRoute[], Partial<MergeRequest>, string[], boolean]> = {
    "same routes: no change": [[route("/a", ["GET"])], {}, ["GET /a", "GET,POST /b"], false],
    "a new route is appended": [[route("/c", ["GET"])], {}, ["GET /a", "GET,POST /b", "GET /c"], true],
    "same path and methods: replaced in place": [
      [route("/b", ["GET", "POST"], FN_B)],
      {},
      ["GET /a", "GET,POST /b"],
      true,
    ],
    "prune keeps only the inputs": [[route("/b", ["GET", "POST"])], { prune: true }, ["GET,POST /b"], true],
  };
  for (const [name, [routes, overrides, expected, changed]] of Object.entries(table)) {
    it(name, () => {
      const result = mergeSpecification(deployed, request(routes, overrides));
      assert.deepEqual(paths(result.specification), expected);
      assert.equal(result.changed, changed);
    });
  }

  it("an overlapping method set is refused with the way out", () => {
    assert.throws(
      () => mergeSpecification(deployed, request([route("/b", ["GET"])])),
      /route GET \/b overlaps the deployed route GET,POST \/b: .*prune: true/,
    );
  });

  it("keeps a JWT_AUTHENTICATION policy when no key source is given, replaces it otherwise", () => {
    const jwt = {
      type: "JWT_AUTHENTICATION",
      tokenHeader: "Authorization",
      tokenAuthScheme: "Bearer",
      issuers: ["https://i/"],
      audiences: ["a"],
      publicKeys: { type: "REMOTE_JWKS", uri: "https://i/keys" },
    };
    const old = { ...deployed, requestPolicies: { authentication: jwt } };
    const kept = mergeSpecification(old, request([route("/a", ["GET"])], { auth: undefined }));
    assert.deepEqual(kept.authentication, jwt);
    assert.match(kept.notes.join(" "), /Keeping the deployment's JWT_AUTHENTICATION policy/);
    const replaced = mergeSpecification(old, request([route("/a", ["GET"])]));
    assert.equal(replaced.authentication?.type, "TOKEN_AUTHENTICATION");
    assert.match(replaced.notes.join(" "), /Replacing the deployment's JWT_AUTHENTICATION policy/);
  });

  it("refuses routes without authentication unless allow-anonymous", () => {
    assert.throws(
      () => mergeSpecification(undefined, request([route("/a", ["GET"])], { auth: undefined })),
      /no authentication: .*allow-anonymous: true/,
    );
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
