// R4 bad input: every action, and the whole pipeline in one step, refuses input a user gets wrong with
// exit 1 and one single-line error naming the input, no stack trace, and no mutating OCI call, so a
// refused run never leaves anything half-deployed. One table; the figure counts what held.
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { isMutating } from "../emulators/oci/request-log.ts";
import { Job } from "../runner/index.ts";
import { seedGatewayFunctionsPolicy } from "../support/gateway-policy.ts";
import { encryptedPkcs8, generateTestKey } from "../support/keys.ts";
import { type OciFixture, startOciFixture } from "../support/oci-fixture.ts";
import { printFigure } from "./figures.ts";

const SECRET = `r4~${process.pid}.client_secret_value`;
const AUDIENCE = "api://fngate-r4";
const EXAMPLE = resolve(import.meta.dirname, "../../examples/hello");
let oci: OciFixture;
let gatewayId: string;
let functionId: string;
let tenantId: string;
let apiAppId: string;
let clientId: string;

before(async () => {
  oci = await startOciFixture();
  const { state } = oci.stack.oci;
  const applicationId = state.createApplication({ compartmentId: oci.tenancyId, displayName: "apps" }).id;
  const image = `ocir.ap-tokyo-1.oci.oraclecloud.com/${oci.namespace}/fngate/hello:0.0.1`;
  functionId = state.createFunction({ applicationId, displayName: "hello", image, memoryInMBs: 256 }).id;
  gatewayId = state.createGateway({ compartmentId: oci.tenancyId, displayName: "gw" }).id;
  seedGatewayFunctionsPolicy(state, oci.tenancyId);
  const { entra } = oci.stack;
  tenantId = entra.addTenant();
  apiAppId = entra.addApiApp(tenantId, { identifierUris: [AUDIENCE], accessTokenAcceptedVersion: 1 }).appId;
  clientId = entra.addClientApp(tenantId, { secrets: [{ value: SECRET }] }).appId;
});
after(async () => {
  await oci?.close();
});

const ACTIONS = [
  "fn-context",
  "ocir-login",
  "fn-deploy",
  "gateway-deploy",
  "entra-token",
  "smoke-test",
  "..",
] as const;
type Action = (typeof ACTIONS)[number];
interface Case {
  action: Action;
  name: string;
  /** Overrides on the action's valid inputs; "" clears an input. */
  given: () => Record<string, string>;
  message: RegExp;
  /** Job env beyond the emulators' (e.g. GitHub OIDC without id-token: write). */
  env?: () => Record<string, string>;
}

const otherKey = generateTestKey();
const key = () => oci.key;
const cutShort = () => key().pkcs8.slice(0, 300);
const truncatedBody = () => key().pkcs8.replace(/\n[A-Za-z0-9+/]{64}\n/, "\n");

function valid(action: Action): Record<string, string> {
  const gateway = {
    "gateway-ocid": gatewayId,
    "compartment-ocid": oci.tenancyId,
    deployment: "r4",
    "path-prefix": "/r4",
    "entra-tenant-id": tenantId,
    "authority-host": oci.stack.entra.host,
    audiences: AUDIENCE,
  };
  const entra = { "client-id": clientId, scope: `${AUDIENCE}/.default`, "client-secret": SECRET };
  const login = { namespace: oci.namespace, username: "ci", "auth-token": "t0k", registry: "127.0.0.1:5999" };
  const deploy = { application: "apps", "compartment-ocid": oci.tenancyId, path: "." };
  switch (action) {
    case "fn-context":
      return oci.inputs();
    case "ocir-login":
      return { ...login, region: "ap-tokyo-1" };
    case "fn-deploy":
      return { ...deploy, registry: `127.0.0.1:5999/${oci.namespace}` };
    case "gateway-deploy":
      return { ...gateway, "function-id": functionId };
    case "entra-token":
      return { ...entra, "tenant-id": tenantId, "authority-host": oci.stack.entra.host };
    case "smoke-test":
      return { url: "https://127.0.0.1:9/hello", token: "a.b.c", "negative-checks": "none" };
    default:
      return { ...oci.inputs(), ...login, ...deploy, ...gateway, ...entra, function: "hello" };
  }
}

type Row = [
  name: string,
  given: () => Record<string, string>,
  message: RegExp,
  env?: () => Record<string, string>,
];
const rows = (action: Action, table: Row[]): Case[] =>
  table.map(([name, given, message, env]) => ({ action, name, given, message, ...(env ? { env } : {}) }));

const cases: Case[] = [
  ...rows("fn-context", [
    ["malformed user OCID", () => ({ "user-ocid": "ocid1.user.oc1" }), /^user-ocid is not a valid OCID/],
    ["tenancy OCID as user-ocid", () => ({ "user-ocid": oci.tenancyId }), /^user-ocid must be a user OCID/],
    ["malformed tenancy OCID", () => ({ "tenancy-ocid": "my-tenancy" }), /^tenancy-ocid is not a valid OCID/],
    [
      "user OCID as compartment-ocid",
      () => ({ "compartment-ocid": oci.userId }),
      /^compartment-ocid must be a compartment or tenancy OCID/,
    ],
    ["unknown region", () => ({ region: "tokyo" }), /^region "tokyo" is not an OCI region identifier/],
    [
      "PEM cut short",
      () => ({ "private-key": cutShort() }),
      /^private-key has a BEGIN line but no matching END/,
    ],
    ["PEM missing a line", () => ({ "private-key": truncatedBody() }), /^private-key could not be read as a/],
    ["public key pasted", () => ({ "private-key": key().publicPem }), /^private-key is a public key/],
    [
      "encrypted key without passphrase",
      () => ({ "private-key": encryptedPkcs8(key(), "pw") }),
      /^private-key is encrypted: set private-key-passphrase/,
    ],
    [
      "wrong fingerprint",
      () => ({ fingerprint: otherKey.fingerprint }),
      /^fingerprint [0-9a-f:]{47} does not match/,
    ],
    ["verify not a boolean", () => ({ verify: "yes" }), /^verify must be true or false/],
  ]),
  ...rows("ocir-login", [
    ["unknown region", () => ({ region: "tokio" }), /^region "tokio" is not an OCI region identifier/],
    [
      "registry with a scheme",
      () => ({ registry: "https://ocir.example.com" }),
      /^registry "https:\/\/ocir.+ must be a/,
    ],
    [
      "namespace that is not one",
      () => ({ namespace: "My Tenancy" }),
      /^namespace "My Tenancy" is not an Object/,
    ],
    ["logout not a boolean", () => ({ logout: "maybe" }), /^logout must be true or false/],
  ]),
  ...rows("fn-deploy", [
    ["negative memory", () => ({ memory: "-256" }), /^memory must be a whole number/],
    [
      "timeout out of range",
      () => ({ timeout: "301" }),
      /^timeout must be a whole number of seconds from 5 to 300/,
    ],
    [
      "malformed compartment OCID",
      () => ({ "compartment-ocid": "my-comp" }),
      /^compartment-ocid is not a valid OCID/,
    ],
    ["config line without =", () => ({ config: "JUSTAKEY" }), /^config line 1: expected KEY=VALUE/],
    ["wait not a boolean", () => ({ wait: "yes" }), /^wait must be true or false/],
  ]),
  ...rows("gateway-deploy", [
    [
      "http:// JWKS",
      () => ({ "entra-tenant-id": "", "jwks-uri": "http://k.test/" }),
      /^jwks-uri must be an https:/,
    ],
    [
      "bad YAML in routes",
      () => ({ "function-id": "", routes: "- path: /a\n  methods: [GET" }),
      /^routes is not valid YAML/,
    ],
    ["unknown method", () => ({ "route-methods": "GET,FETCH" }), /^route-methods: "FETCH" is not a method/],
    [
      "function OCID as gateway-ocid",
      () => ({ "gateway-ocid": functionId }),
      /^gateway-ocid must be an apigateway OCID, but .* is a fnfunc OCID/,
    ],
    [
      "allow-anonymous not a boolean",
      () => ({ "allow-anonymous": "maybe" }),
      /^allow-anonymous must be true or false/,
    ],
    [
      "jwks-cache-hours out of range",
      () => ({ "jwks-cache-hours": "0" }),
      /^jwks-cache-hours must be a whole number/,
    ],
  ]),
  // entra-token calls no OCI at all: its mutating count must stay 0 all the same.
  ...rows("entra-token", [
    [
      "missing id-token: write",
      () => ({ "client-secret": "", federated: "true" }),
      /^federated: true needs `permissions: id-token: write`/,
      () => oci.stack.githubOidc.envFor({ repository: "ORG/REPO" }, { idTokenWrite: false }),
    ],
    ["client-id not a GUID", () => ({ "client-id": "my-app" }), /^client-id "my-app" is not a GUID/],
    [
      "unknown scope",
      () => ({ scope: "api://no-such-api/.default" }),
      /^scope: Entra refused .*AADSTS500011/,
    ],
    [
      "expected-issuer mismatch",
      () => ({ "expected-issuer": oci.stack.entra.issuerV2(tenantId) }),
      /^expected-issuer: the token is v1 with issuer/,
    ],
    [
      "expected-audience mismatch",
      () => ({ "expected-audience": apiAppId }),
      /^expected-audience: the token's/,
    ],
  ]),
  ...rows("smoke-test", [
    [
      "token over http://",
      () => ({ url: "http://127.0.0.1:9/x" }),
      /^url is http:\/\/: a bearer token must not/,
    ],
    ["bad status list", () => ({ "expect-status": "200,ok" }), /^expect-status must be HTTP status codes/],
    [
      "unknown negative check",
      () => ({ "negative-checks": "no-token, sqli" }),
      /^negative-checks: unknown check/,
    ],
  ]),
  // The whole pipeline checks every stage's inputs before the first stage runs.
  ...rows("..", [
    ["unknown skip stage", () => ({ skip: "fn-context, deploy" }), /^skip: unknown stage "deploy"/],
    ["negative memory", () => ({ memory: "-1" }), /^memory must be a whole number/],
    [
      // Checked before ocir-login and fn-deploy run, so nothing is deployed for a bad gateway input;
      // entra-token shares entra-tenant-id with gateway-deploy, so it is skipped to use jwks-uri alone.
      "http:// JWKS (gateway stage)",
      () => ({
        "entra-tenant-id": "",
        "jwks-uri": "http://k.test/",
        skip: "entra-token, smoke-test",
      }),
      /^jwks-uri must be an https:\/\/ URL/,
    ],
    [
      "encrypted key without passphrase",
      () => ({ "private-key": encryptedPkcs8(key(), "pw") }),
      /^private-key is encrypted: set private-key-passphrase/,
    ],
  ]),
];

/** fn-deploy and gateway-deploy read the OCI profile fn-context writes, as in a workflow. */
const needsProfile = new Set<Action>(["fn-deploy", "gateway-deploy"]);
const mutatingCalls = () => oci.stack.oci.requests.filter(isMutating).length;
const held = { clear: 0, partial: 0 };

after(() => {
  printFigure(
    "R4",
    "bad input",
    `${cases.length} cases, ${held.clear} clear errors, ${held.partial} partial deployments`,
  );
});

// Cases run side by side to keep the suite fast; none may mutate, so a mutating call seen during any
// case is a failure of that case whichever case made it.
describe("R4: bad input to every action fails with one clear line and changes nothing", {
  concurrency: 6,
}, () => {
  it(`covers at least 30 cases across every action (${cases.length})`, () => {
    assert.ok(cases.length >= 30);
    const actions = new Set(cases.map((c) => c.action));
    assert.equal(actions.size, ACTIONS.length, [...actions].join(", "));
  });

  for (const testCase of cases) {
    it(`${testCase.action === ".." ? "pipeline" : testCase.action}: ${testCase.name}`, async () => {
      const job = await Job.create({ env: { ...oci.env, ...testCase.env?.() }, checkout: EXAMPLE });
      try {
        if (needsProfile.has(testCase.action)) {
          const context = await job.run("fn-context", { inputs: oci.inputs() });
          assert.equal(context.exitCode, 0, context.stdout);
        }
        const before = mutatingCalls();
        const run = await job.run(testCase.action, {
          inputs: { ...valid(testCase.action), ...testCase.given() },
        });
        const mutated = mutatingCalls() - before;
        if (mutated > 0) held.partial += 1;
        const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
        assert.equal(run.exitCode, 1, run.stdout + run.stderr);
        assert.equal(errors.length, 1, run.stdout);
        assert.match(errors[0] ?? "", testCase.message);
        assert.doesNotMatch(errors[0] ?? "", /\n/);
        assert.doesNotMatch(run.stdout + run.stderr, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
        assert.equal(mutated, 0, "a refused run made a mutating OCI call");
        held.clear += 1;
      } finally {
        await job.dispose();
      }
    });
  }
});
