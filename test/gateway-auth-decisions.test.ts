// gateway-deploy's authentication decisions: no JWKS without issuers (a key set can sign for many
// issuers; Entra's signs for every tenant), required claims read into the policy's verifyClaims, OCI's
// clock-skew limit, and no-op detection that still holds with verifyClaims in the deployed spec.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UserError } from "../src/errors.ts";
import { type AuthInputs, readAuth } from "../src/oci/gateway/gateway-auth-input.ts";
import { readRequiredClaims } from "../src/oci/gateway/gateway-claims-input.ts";
import { mergeSpecification } from "../src/oci/gateway/gateway-merge.ts";
import type { DesiredRoute } from "../src/oci/gateway/gateway-routes-input.ts";
import type { Json } from "../src/oci/gateway/gateway-spec.ts";

const TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const FN = `ocid1.fnfunc.oc1.phx.aaaaaaaa${"a".repeat(52)}`;
const ROUTES: DesiredRoute[] = [{ path: "/hello", methods: ["GET"], functionId: FN }];
const entra = (extra: Partial<AuthInputs> = {}): AuthInputs => ({
  entraTenantId: TID,
  audiences: "api://fngate",
  allowAnonymous: false,
  ...extra,
});

function refused(inputs: AuthInputs, message: RegExp): void {
  assert.throws(
    () => readAuth(inputs),
    (error: unknown) =>
      error instanceof UserError && message.test(error.message) && !error.message.includes("\n"),
  );
}

function deploy(auth: AuthInputs, existing?: Json) {
  return mergeSpecification(existing, {
    auth: readAuth(auth),
    routes: ROUTES,
    prune: false,
    allowAnonymous: false,
  });
}

const policyOf = (spec: Json) =>
  ((spec.requestPolicies as Json).authentication as Json).validationPolicy as Json;

describe("issuers with a JWKS", () => {
  it("jwks-uri without issuers is refused, naming issuers and entra-tenant-id", () => {
    refused(
      {
        jwksUri: "https://login.microsoftonline.com/common/discovery/v2.0/keys",
        audiences: "a",
        allowAnonymous: false,
      },
      /^issuers is required with jwks-uri: list the iss .* or use entra-tenant-id .*any tenant's token would pass\.$/,
    );
    refused(
      { jwksUri: "https://keys.test/jwks", audiences: "a", allowAnonymous: true },
      /^issuers is required with jwks-uri/,
    );
  });

  // entra-tenant-id's two issuer forms: gateway-deploy-decisions.test.ts "readAuth".
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
    const kept = mergeSpecification(issuerless, {
      auth: undefined,
      routes: ROUTES,
      prune: false,
      allowAnonymous: false,
    });
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
    it(`refuses ${name} with one line`, () => refused(entra({ requiredClaims: text }), message));
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
    it(`refuses ${name}`, () => refused(inputs, message));
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
      entra({ maxClockSkew: "121" }),
      /^max-clock-skew must be a whole number from 0 to 120; got "121"\.$/,
    );
  });
});
