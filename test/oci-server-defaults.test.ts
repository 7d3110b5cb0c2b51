// OCI answers GetDeployment and GetFunction with more than was sent: API Gateway fills in policy
// defaults, Functions adds shape, concurrency, trace and endpoint fields, and tag defaults (Oracle-Tags
// CreatedBy/CreatedOn in every tenancy made since 2019) add definedTags nobody sent. Decision tables:
// which server-filled fields count as unchanged, and which real changes still make exactly one update.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  changedSettings,
  deployedSettings,
  type FunctionSettings,
} from "../src/oci/functions/function-changes.ts";
import { readAuth } from "../src/oci/gateway/gateway-auth-input.ts";
import { type MergeRequest, mergeSpecification } from "../src/oci/gateway/gateway-merge.ts";
import type { DesiredRoute } from "../src/oci/gateway/gateway-routes-input.ts";
import type { Json } from "../src/oci/gateway/gateway-spec.ts";
import { withServerDefaults } from "./emulators/oci/apigateway-server-defaults.ts";
import { functionModel } from "./emulators/oci/functions-models.ts";
import { FunctionsStore } from "./emulators/oci/functions-store.ts";
import { DATETIME, PRINCIPAL_NAME, TagDefaults } from "./emulators/oci/tag-defaults.ts";

const FN_A = `ocid1.fnfunc.oc1.phx.aaaaaaaa${"a".repeat(52)}`;
const FN_B = `ocid1.fnfunc.oc1.phx.aaaaaaaa${"b".repeat(52)}`;
const TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const AUTH = readAuth({ entraTenantId: TID, audiences: "api://fngate", allowAnonymous: false });
const HELLO: DesiredRoute = { path: "/hello", methods: ["GET"], functionId: FN_A };

function request(overrides: Partial<MergeRequest> = {}): MergeRequest {
  return { auth: AUTH, routes: [HELLO], prune: false, allowAnonymous: false, ...overrides };
}

/** What GetDeployment answers once the deploy has written `request`'s specification. */
function echoed(existing?: Json, overrides: Partial<MergeRequest> = {}): Json {
  return withServerDefaults(mergeSpecification(existing, request(overrides)).specification);
}

describe("API Gateway echoes its defaults", () => {
  const spec = echoed();
  const policies = spec.requestPolicies as Json;
  const auth = policies.authentication as Json;
  const route = (spec.routes as Json[])[0] as Json;

  it("fills fields the deploy never sent, keeps what it sent", () => {
    assert.deepEqual(policies.mutualTls, { isVerifiedCertificateRequired: false, allowedSans: [] });
    assert.deepEqual(spec.loggingPolicies, {});
    assert.deepEqual(route.responsePolicies, {});
    assert.deepEqual(route.loggingPolicies, {});
    assert.equal((auth.validationPolicy as Json).isSslVerifyDisabled, false);
    assert.equal(auth.tokenHeader, "Authorization");
    assert.deepEqual(route.methods, ["GET"]);
  });

  it("fills route defaults where a user's route left them out, and never overrides a value", () => {
    const user = withServerDefaults({
      requestPolicies: { authentication: { type: "TOKEN_AUTHENTICATION", tokenHeader: "X-T" } },
      routes: [
        { path: "/u", backend: { type: "HTTP_BACKEND", url: "https://x.example", readTimeoutInSeconds: 30 } },
      ],
    });
    const userRoute = (user.routes as Json[])[0] as Json;
    assert.deepEqual(userRoute.methods, ["GET"]);
    assert.deepEqual((userRoute.requestPolicies as Json).authorization, { type: "AUTHENTICATION_ONLY" });
    assert.deepEqual(userRoute.backend, {
      type: "HTTP_BACKEND",
      url: "https://x.example",
      readTimeoutInSeconds: 30,
      connectTimeoutInSeconds: 60,
      sendTimeoutInSeconds: 10,
      isSslVerifyDisabled: false,
    });
    const auth = (user.requestPolicies as Json).authentication as Json;
    assert.equal(auth.isAnonymousAccessAllowed, false);
    assert.equal(auth.maxClockSkewInSeconds, 0);
    assert.deepEqual(withServerDefaults(user), user, "filling twice changes nothing");
  });
});

describe("gateway-deploy no-op against what API Gateway echoes", () => {
  const deployed = echoed();
  const userRoute = {
    path: "/legacy",
    methods: ["GET"],
    backend: { type: "HTTP_BACKEND", url: "https://legacy.example" },
  };
  const withUserRoute = withServerDefaults({
    ...deployed,
    routes: [...(deployed.routes as Json[]), userRoute],
  });
  const tunedByUser = structuredClone(deployed);
  (tunedByUser.requestPolicies as Json).mutualTls = {
    isVerifiedCertificateRequired: true,
    allowedSans: ["ci"],
  };

  const unchanged: [string, Json][] = [
    ["the deployment it wrote, with every default filled in", deployed],
    ["a route someone else added, with its HTTP backend defaults", withUserRoute],
    ["a policy it does not manage, changed by the user (mTLS on)", tunedByUser],
  ];
  for (const [name, existing] of unchanged) {
    it(`unchanged: ${name}`, () => {
      const merged = mergeSpecification(existing, request());
      assert.equal(merged.changed, false);
      assert.deepEqual(merged.added, []);
    });
  }

  it("a policy it does not manage survives an update untouched", () => {
    const merged = mergeSpecification(tunedByUser, request({ routes: [{ ...HELLO, functionId: FN_B }] }));
    assert.deepEqual((merged.specification.requestPolicies as Json).mutualTls, {
      isVerifiedCertificateRequired: true,
      allowedSans: ["ci"],
    });
  });

  type Merged = ReturnType<typeof mergeSpecification>;
  const auth = (extra: object) =>
    readAuth({ entraTenantId: TID, audiences: "api://fngate", allowAnonymous: false, ...extra });
  const addsNothing = (m: Merged) => assert.deepEqual(m.added, []);
  const changes: Record<string, [Partial<MergeRequest>, (merged: Merged) => void]> = {
    "another function behind the same route": [
      { routes: [{ ...HELLO, functionId: FN_B }] },
      (m) => assert.deepEqual(m.replaced, ["GET /hello"]),
    ],
    "one more route": [
      { routes: [HELLO, { path: "/more", methods: ["POST"], functionId: FN_A }] },
      (m) => assert.deepEqual(m.added, ["POST /more"]),
    ],
    "another audience": [{ auth: auth({ audiences: "api://other" }) }, addsNothing],
    "a longer JWKS cache": [{ auth: auth({ jwksCacheHours: "4" }) }, addsNothing],
    "allow-anonymous turned on": [
      { allowAnonymous: true, auth: auth({ allowAnonymous: true }) },
      (m) => assert.equal(((m.authentication ?? {}) as Json).isAnonymousAccessAllowed, true),
    ],
  };
  for (const [name, [overrides, check]] of Object.entries(changes)) {
    it(`changed: ${name}`, () => {
      const merged = mergeSpecification(deployed, request(overrides));
      assert.equal(merged.changed, true);
      check(merged);
      // Written once, the echo of that write is a no-op for the same inputs.
      const again = mergeSpecification(withServerDefaults(merged.specification), request(overrides));
      assert.equal(again.changed, false);
    });
  }
});

describe("tag defaults", () => {
  const now = new Date("2026-01-02T03:04:05.678Z");
  const context = { principalName: "ci-user", now };

  it("every tenancy gets Oracle-Tags CreatedBy/CreatedOn; sent tags are kept and win on the same key", () => {
    const defaults = new TagDefaults();
    assert.deepEqual(defaults.apply("t1", undefined, context), {
      "Oracle-Tags": { CreatedBy: "ci-user", CreatedOn: "2026-01-02T03:04:05.678Z" },
    });
    assert.deepEqual(
      defaults.apply("t1", { "Oracle-Tags": { CreatedBy: "me" }, Finance: { CostCenter: "42" } }, context),
      {
        "Oracle-Tags": { CreatedBy: "me", CreatedOn: "2026-01-02T03:04:05.678Z" },
        Finance: { CostCenter: "42" },
      },
    );
  });

  it("a tenancy can have other tag defaults, or none", () => {
    const defaults = new TagDefaults();
    defaults.set("t2", [{ namespace: "Ops", key: "Owner", value: `${PRINCIPAL_NAME} at ${DATETIME}` }]);
    defaults.set("t3", []);
    assert.deepEqual(defaults.apply("t2", undefined, context), {
      Ops: { Owner: "ci-user at 2026-01-02T03:04:05.678Z" },
    });
    assert.deepEqual(defaults.apply("t3", undefined, context), {});
  });
});

describe("fn-deploy no-op against what GetFunction answers", () => {
  const DIGEST = `sha256:${"1".repeat(64)}`;
  const desired: FunctionSettings = {
    image: "phx.ocir.io/ns/hello:1",
    imageDigest: DIGEST,
    memoryInMBs: 256,
    timeoutInSeconds: 30,
    config: {},
  };
  const store = new FunctionsStore({
    now: () => new Date(),
    tenancyOf: () => "t1",
    functionActiveDelayMs: 0,
  });
  const application = store.createApplication({ compartmentId: "c1", displayName: "app" });
  const tagged = new TagDefaults().apply("t1", undefined, { principalName: "ci-user", now: new Date() });
  // Created as fn-deploy creates it: memory, timeout, image and digest sent; config {} and no tags.
  const record = store.createFunction({
    applicationId: application.id,
    displayName: "hello",
    image: desired.image,
    imageDigest: DIGEST,
    memoryInMBs: 256,
    timeoutInSeconds: 30,
    definedTags: tagged,
  });
  const answered = functionModel(record, "GENERIC_X86", "https://invoke.example");

  it("GetFunction carries fields fngate never sent, among them the tag defaults", () => {
    assert.deepEqual(answered.definedTags, tagged);
    assert.deepEqual(answered.provisionedConcurrencyConfig, { strategy: "NONE" });
    assert.equal(answered.shape, "GENERIC_X86");
    assert.equal(answered.invokeEndpoint, "https://invoke.example");
  });

  it("unchanged: only the managed settings are compared", () => {
    assert.deepEqual(changedSettings(deployedSettings(answered), desired), []);
  });

  it("unchanged: config absent (null) is the empty config", () => {
    assert.deepEqual(changedSettings(deployedSettings({ ...answered, config: null }), desired), []);
  });
});
