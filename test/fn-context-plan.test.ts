// fn-context's plan, in process: every input checked once, every path decided, nothing called or
// written. The process-level cases (test/reliability/r4-bad-input.test.ts, fn-context-action.test.ts)
// show these messages as one error line; these prove the decisions themselves, case by case.
import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { isUserError } from "../src/errors.ts";
import {
  type FnContextInputs,
  type FnContextPlanContext,
  planFnContext,
  plannedFiles,
} from "../src/oci/auth/fn-context-plan.ts";
import { encryptedPkcs8, generateTestKey } from "./support/keys.ts";

const HOME = join("/nonexistent", "fngate-plan-home");
const TENANCY = "ocid1.tenancy.oc1..aaaaaaaatenancy1";
const USER = "ocid1.user.oc1..aaaaaaaauser0001";
const COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaacompartment";
const key = generateTestKey();
const otherKey = generateTestKey();

/** A context that records what the plan said and registered, in order. */
function recording(endpoint?: string) {
  const events: string[] = [];
  const ctx: FnContextPlanContext = {
    homeDir: HOME,
    endpoints: endpoint ? { oci: endpoint } : {},
    secrets: { register: (value) => events.push(`secret:${value.length > 40 ? "pem" : value}`) },
    logger: {
      info: (message) => events.push(`info:${message}`),
      warning: (message) => events.push(`warning:${message}`),
      debug: () => {},
      group: (_name, work) => work(),
    },
  };
  return { ctx, events };
}

function apiKey(overrides: Partial<Record<string, unknown>> = {}): FnContextInputs {
  return {
    auth: "api-key",
    userOcid: USER,
    privateKey: key.pkcs8,
    tenancyOcid: TENANCY,
    region: "ap-tokyo-1",
    profile: "DEFAULT",
    contextName: "fngate",
    verify: true,
    ...overrides,
  } as FnContextInputs;
}

function oidc(overrides: Partial<Record<string, unknown>> = {}): FnContextInputs {
  return {
    auth: "oidc",
    identityDomainUrl: "https://idcs-abc.identity.oraclecloud.com/",
    clientId: "client",
    clientSecret: "secret",
    githubIdToken: () => Promise.reject(new Error("a plan never asks for a token")),
    tenancyOcid: TENANCY,
    region: "ap-tokyo-1",
    profile: "DEFAULT",
    contextName: "fngate",
    verify: true,
    ...overrides,
  } as FnContextInputs;
}

describe("planFnContext: what a good input plans", () => {
  it("an API key: decrypted, its fingerprint computed, masked before the first note, every path under HOME", async () => {
    const { ctx, events } = recording();
    const plan = planFnContext(
      apiKey({
        privateKey: encryptedPkcs8(key, "pw"),
        privateKeyPassphrase: "pw",
        fingerprint: key.fingerprint.toUpperCase(),
      }),
      ctx,
    );
    assert.equal(plan.credential.auth, "api-key");
    assert.ok(plan.credential.auth === "api-key" && plan.credential.pem.includes("BEGIN PRIVATE KEY"));
    assert.equal(plan.credential.auth === "api-key" && plan.credential.fingerprint, key.fingerprint);
    assert.equal(events[0], "secret:pem", "the decrypted key is registered before anything is logged");
    assert.match(
      events[1] ?? "",
      /^info:API key: RSA 2048-bit, fingerprint [0-9a-f:]{47}, decrypted with private-key-passphrase\.$/,
    );
    assert.equal(plan.tenancy, TENANCY);
    assert.equal(plan.compartment, TENANCY, "the root compartment when compartment-ocid is not set");
    assert.ok(
      events.includes(
        "info:compartment-ocid is not set: the Fn context manages functions in the tenancy's root compartment.",
      ),
    );
    assert.equal(plan.region.id, "ap-tokyo-1");
    assert.equal(plan.apiUrl, "https://functions.ap-tokyo-1.oci.oraclecloud.com");
    assert.equal(plan.registry, undefined, "derived from the namespace when applied");
    assert.deepEqual(plannedFiles(plan.files), [
      join(HOME, ".oci", "config"),
      join(HOME, ".oci", "fngate-DEFAULT.pem"),
      join(HOME, ".fn", "config.yaml"),
      join(HOME, ".fn", "contexts", "fngate.yaml"),
    ]);
    await assert.rejects(access(HOME), "planning writes nothing");
  });

  it("auth: oidc: the domain URL reduced to its origin, the audience defaulted, a token file planned, no key read", () => {
    const { ctx, events } = recording();
    const plan = planFnContext(oidc({ compartmentOcid: COMPARTMENT }), ctx);
    assert.deepEqual(
      { ...plan.credential, githubIdToken: undefined },
      {
        auth: "oidc",
        identityDomainUrl: "https://idcs-abc.identity.oraclecloud.com",
        clientId: "client",
        clientSecret: "secret",
        audience: "https://idcs-abc.identity.oraclecloud.com",
        githubIdToken: undefined,
      },
    );
    assert.equal(plan.compartment, COMPARTMENT);
    assert.equal(plan.files.tokenFile, join(HOME, ".oci", "fngate-DEFAULT.token"));
    assert.deepEqual(events, [], "nothing to mask or note before the session exists");
  });

  type Plan = ReturnType<typeof planFnContext>;
  /** What a setting plans: the inputs, the part of the plan, what it must be, and FNGATE_OCI_ENDPOINT. */
  const settings: Record<string, [FnContextInputs, (plan: Plan) => unknown, unknown, string?]> = {
    "oidc-audience given": [
      oidc({ oidcAudience: "fngate" }),
      (p) => p.credential.auth === "oidc" && p.credential.audience,
      "fngate",
    ],
    "region key IAD": [apiKey({ region: "IAD" }), (p) => p.region.id, "us-ashburn-1"],
    "api-url without its trailing slashes": [
      apiKey({ apiUrl: "https://fn.example.com//" }),
      (p) => p.apiUrl,
      "https://fn.example.com",
    ],
    "FNGATE_OCI_ENDPOINT when api-url is not set": [
      apiKey(),
      (p) => p.apiUrl,
      "https://127.0.0.1:9443",
      "https://127.0.0.1:9443",
    ],
    "api-url over FNGATE_OCI_ENDPOINT": [
      apiKey({ apiUrl: "https://fn.example.com" }),
      (p) => p.apiUrl,
      "https://fn.example.com",
      "https://127.0.0.1:9443",
    ],
    "registry trimmed of spaces and slashes": [
      apiKey({ registry: " ocir.ap-tokyo-1.oci.oraclecloud.com/ns/ " }),
      (p) => p.registry,
      "ocir.ap-tokyo-1.oci.oraclecloud.com/ns",
    ],
    "profile and context names in the files": [
      apiKey({ profile: "ci@prod", contextName: "ci.prod" }),
      (p) => [p.files.keyFile, p.files.contextFile],
      [join(HOME, ".oci", "fngate-ci@prod.pem"), join(HOME, ".fn", "contexts", "ci.prod.yaml")],
    ],
    "verify: false kept": [apiKey({ verify: false }), (p) => p.verify, false],
  };
  for (const [name, [inputs, pick, expected, endpoint]] of Object.entries(settings)) {
    it(name, () => assert.deepEqual(pick(planFnContext(inputs, recording(endpoint).ctx)), expected));
  }

  it("warns, and goes on, for a passphrase on a plain key and a region newer than the SDK", () => {
    const { ctx, events } = recording();
    const plan = planFnContext(apiKey({ privateKeyPassphrase: "pw", region: "xx-newcity-1" }), ctx);
    assert.equal(plan.region.id, "xx-newcity-1");
    const warnings = events.filter((event) => event.startsWith("warning:"));
    assert.equal(warnings.length, 2, events.join("\n"));
    assert.match(warnings[0] ?? "", /private-key-passphrase is set but private-key is not encrypted/);
    assert.match(
      warnings[1] ?? "",
      /region xx-newcity-1 is not in this SDK's region list.*; assuming the commercial realm/,
    );
  });
});

describe("planFnContext: every bad value fails with the line a user reads", () => {
  // The rows test/reliability/r4-cases.ts already refuses through the action's reader and this plan (a
  // garbage or encrypted key, malformed OCIDs and fingerprint, a compartment that is a user, no region)
  // are not repeated here.
  const bad: Record<string, [FnContextInputs, RegExp]> = {
    "public key": [
      apiKey({ privateKey: key.publicPem }),
      /^private-key is a public key, not an RSA private key\.$/,
    ],
    "wrong passphrase": [
      apiKey({ privateKey: encryptedPkcs8(key, "pw"), privateKeyPassphrase: "no" }),
      /^private-key-passphrase does not decrypt private-key: check the passphrase secret\.$/,
    ],
    "another key's fingerprint": [
      apiKey({ fingerprint: otherKey.fingerprint }),
      new RegExp(
        `^fingerprint ${otherKey.fingerprint} does not match private-key, whose fingerprint is ${key.fingerprint}: `,
      ),
    ],
    "tenancy OCID as user-ocid": [
      apiKey({ userOcid: TENANCY }),
      /^user-ocid must be a user OCID, but .* is a tenancy OCID\.$/,
    ],
    "user and tenancy in two realms": [
      apiKey({ tenancyOcid: TENANCY.replace(".oc1.", ".oc2.") }),
      /^user-ocid is in realm oc1 but tenancy-ocid is in realm oc2: they must belong together\.$/,
    ],
    "region typo": [apiKey({ region: "ap_tokyo_1" }), /did you mean ap-tokyo-1\?\)\.$/],
    "region in another realm": [
      apiKey({ region: "us-langley-1" }),
      /^region us-langley-1 is in realm oc2 but tenancy-ocid is in realm oc1\.$/,
    ],
    "profile with a bracket": [
      apiKey({ profile: "CI]" }),
      /^profile "CI]" must be letters, digits, '\.', '_', '-' or '@' \(like DEFAULT\)\.$/,
    ],
    "profile with a line break": [apiKey({ profile: "A\nB" }), /^profile "A\\nB" must be letters/],
    "context name with a slash": [
      apiKey({ contextName: "../evil" }),
      /^context-name "\.\.\/evil" must be letters, digits, '\.', '_' or '-': it becomes a file name\.$/,
    ],
    "api-url not a URL": [
      apiKey({ apiUrl: "functions" }),
      /^api-url "functions" is not a URL; expected https:\/\/functions\.<region>\.oci\.oraclecloud\.com\.$/,
    ],
    "api-url over http": [
      apiKey({ apiUrl: "http://fn.example.com" }),
      /^api-url must use https:\/\/ \(got http:\/\/\): the Functions API is only served over TLS\.$/,
    ],
    "registry with a scheme": [
      apiKey({ registry: "https://ocir.ap-tokyo-1.oci.oraclecloud.com/ns" }),
      /^registry is a registry path without a scheme, .*; remove "https:\/\/"\.$/,
    ],
    "registry in upper case": [
      apiKey({ registry: "OCIR.example.com/NS" }),
      /^registry "OCIR\.example\.com\/NS" is not a registry path like .* \(lower case\)\.$/,
    ],
    "identity-domain-url not a URL": [
      oidc({ identityDomainUrl: "idcs" }),
      /^identity-domain-url "idcs" is not a URL/,
    ],
    "identity-domain-url over http": [
      oidc({ identityDomainUrl: "http://idcs.example.com" }),
      /^identity-domain-url must use https:\/\//,
    ],
    "identity-domain-url with a path": [
      oidc({ identityDomainUrl: "https://idcs.example.com/admin" }),
      /^identity-domain-url is the domain's URL without a path \(https:\/\/idcs\.example\.com\); remove "\/admin"\.$/,
    ],
    "oidc, then a bad tenancy": [
      oidc({ tenancyOcid: USER }),
      /^tenancy-ocid must be a tenancy OCID, but .* is a user OCID\.$/,
    ],
  };
  for (const [name, [inputs, message]] of Object.entries(bad)) {
    it(name, () => {
      assert.throws(
        () => planFnContext(inputs, recording().ctx),
        (error: unknown) =>
          isUserError(error) && message.test(error.message) && !error.message.includes("\n"),
      );
    });
  }
});
