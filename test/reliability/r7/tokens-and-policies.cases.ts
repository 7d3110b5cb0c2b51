// R7 tokens and policies: an API that echoes the Authorization header (in its body and its headers)
// and lets altered tokens in, a verifier open to HS256 key confusion, tokens and header values fetch
// cannot send, expired tokens that prove nothing, and gateway policies that would let any issuer or
// any caller in. Through the built smoke-test and gateway-deploy actions, the root action and the CLI.

import assert from "node:assert/strict";
import { runAction, type StepResult } from "../../runner/index.ts";
import { type CliRun, envOf, flagsOf } from "../../support/cli-process.ts";
import { type GuardedApi, startGuardedApi } from "../../support/guarded-api.ts";
import type { OciFixture } from "../../support/oci-fixture.ts";
import {
  actionOutcome,
  cliOutcome,
  type HostileArea,
  type HostileOutcome,
  sharedOciFixture,
} from "./hostile-case.ts";

const CLIENT_SECRET = `cs~${process.pid}.r7-tokens`;
const API_URI = "api://r7-tokens";
let oci: OciFixture;
/** Lets every token in and echoes the Authorization header; ES256, so whole tokens fit a clipped body. */
let echo: GuardedApi;
/** Verifies properly, and echoes the refused token in its 401 body and WWW-Authenticate. */
let strictEcho: GuardedApi;
/** Lets the token choose HS256 and verifies it with the public key's PEM as the secret. */
let confused: GuardedApi;
let tenantId: string;
let clientId: string;

const caEnv = () => ({ NODE_EXTRA_CA_CERTS: oci.stack.caFile });
const compact = () => echo.token({ iss: undefined, aud: undefined, roles: undefined, iat: undefined });
const now = () => Math.floor(Date.now() / 1000);

/** smoke-test as a workflow runs it; `check` asserts what a case adds about the step. */
async function smoke(
  inputs: Record<string, string>,
  expect: HostileOutcome["expect"],
  secrets: string[],
  check?: (main: StepResult) => void,
) {
  const run = await runAction("smoke-test", { inputs, env: caEnv() });
  check?.(run.main);
  return actionOutcome(run, expect, secrets);
}

/** One check's entry in the smoke test's `results` output (the action's, or the CLI's JSON document). */
function resultOf(results: string | undefined, check: string) {
  const list = JSON.parse(results ?? "[]") as { check: string; answered: string; detail?: string }[];
  return list.find((result) => result.check === check);
}
/** The echoing API let the tampered token in, as the results say. */
const tamperedAnswered200 = (results: string | undefined) =>
  assert.equal(resultOf(results, "tampered-signature")?.answered, "200");
/** The CLI's --json document: a failed run, whose results say the same. */
const failedDocument = (run: CliRun) => {
  const document = JSON.parse(run.stdout) as { ok: boolean; outputs: Record<string, string> };
  assert.equal(document.ok, false);
  tamperedAnswered200(document.outputs.results);
};
const TAMPERED_LET_IN = /^smoke test failed, 2 of 5 checks: tampered-signature answered 200/;
const PIPELINE_TAMPERED_LET_IN = /^smoke test failed, \d+ of \d+ checks: tampered-signature answered 200/;

/** gateway-deploy after fn-context in one job, as a workflow runs them; posts and snapshots included. */
async function gatewayDeploy(overrides: Record<string, string>, expect: HostileOutcome["expect"]) {
  const run = await runAction("gateway-deploy", {
    jobEnv: oci.env,
    earlier: (job) => job.run("fn-context", { inputs: oci.inputs() }),
    inputs: {
      "gateway-ocid": oci.stack.oci.state.apigw.createGateway({ compartmentId: oci.tenancyId }).id,
      "compartment-ocid": oci.tenancyId,
      deployment: "r7",
      "path-prefix": "/r7",
      "function-id": `ocid1.fnfunc.oc1.phx.aaaaaaaa${"a".repeat(52)}`,
      audiences: API_URI,
      ...overrides,
    },
  });
  return actionOutcome(run, expect, [oci.key.pkcs8]);
}

/** The built CLI with its --json result (a failed run's document), secrets in FNGATE_* variables. */
const cli = (
  args: string[],
  secretEnv: Record<string, string>,
  expect: HostileOutcome["expect"],
  secrets: () => string[],
) =>
  cliOutcome([...args, "--json"], envOf(secretEnv), expect, secrets, {
    env: caEnv(),
    inspect: failedDocument,
  });

/** The pipeline's inputs for its entra-token and smoke-test stages alone, against the echoing API. */
const entraToEcho = () => ({
  skip: "fn-context, ocir-login, fn-deploy, gateway-deploy",
  "entra-tenant-id": tenantId,
  "authority-host": oci.stack.entra.host,
  "client-id": clientId,
  scope: `${API_URI}/.default`,
  url: echo.url,
});

/** The bearer token of the echoing API's request number `index` (the pipeline's first is its real token). */
function sentAt(api: GuardedApi, index: number): string {
  const token = /^Bearer (.+)$/.exec(api.requests[index]?.authorization ?? "")?.[1];
  assert.ok(token, "the pipeline sent its token to the API");
  return token;
}

export const area: HostileArea = {
  name: "tokens and policies",
  async setup() {
    oci = await sharedOciFixture();
    echo = await startGuardedApi(oci.stack.tls, {
      lenient: true,
      reflectAuthorization: true,
      algorithm: "ES256",
    });
    strictEcho = await startGuardedApi(oci.stack.tls, { reflectAuthorization: true });
    confused = await startGuardedApi(oci.stack.tls, { verifier: "hs256-pem" });
    tenantId = oci.stack.entra.addTenant();
    const api = oci.stack.entra.addApiApp(tenantId, {
      identifierUris: [API_URI],
      appRoles: [{ value: "Invoke" }],
    });
    clientId = oci.stack.entra.addClientApp(tenantId, {
      secrets: [{ value: CLIENT_SECRET }],
      roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
    }).appId;
  },
  async teardown() {
    await Promise.all([echo?.close(), strictEcho?.close(), confused?.close()]);
  },
  cases: [
    {
      name: "smoke-test: an echoing API lets the tampered token in (its bit flipped back is the token)",
      async run() {
        const token = await compact();
        return smoke({ url: echo.url, token }, { message: TAMPERED_LET_IN }, [token], (main) => {
          const tampered = resultOf(main.outputs.results, "tampered-signature");
          assert.equal(tampered?.answered, "200");
          assert.match(tampered?.detail ?? "", /body is not shown \(negative-check-bodies: true shows it/);
          const signed = token.split(".").slice(0, 2).join(".");
          assert.ok(
            main.masks.some((mask) => mask.startsWith(signed)),
            "the token is masked",
          );
        });
      },
    },
    {
      name: "smoke-test: the same with negative-check-bodies: true",
      async run() {
        const token = await compact();
        const inputs = { url: echo.url, token, "negative-check-bodies": "true" };
        return smoke(inputs, { message: TAMPERED_LET_IN }, [token], (main) => {
          // The bodies are shown with every variant of the token redacted.
          assert.equal(
            resultOf(main.outputs.results, "tampered-signature")?.detail,
            'body: {"authorization":"Bearer ***","message":"Hello World"}',
          );
        });
      },
    },
    {
      name: "smoke-test: a refused token echoed in the 401 body and WWW-Authenticate",
      async run() {
        const token = await strictEcho.token({ aud: "api://someone-else" });
        const inputs = { url: strictEcho.url, token, wait: "0" };
        const message = /^smoke test failed, 1 of 5 checks: with token answered 401, expected 200/;
        return smoke(inputs, { message }, [token], (main) => {
          assert.equal(
            resultOf(main.outputs.results, "with token")?.detail,
            'body: {"authorization":"Bearer ***","code":401,"message":"Unauthorized"}',
          );
        });
      },
    },
    {
      name: "fngate smoke-test --json against the echoing API",
      async run() {
        const token = await compact();
        return cli(
          ["smoke-test", ...flagsOf({ url: echo.url })],
          { token },
          { message: TAMPERED_LET_IN },
          () => [token],
        );
      },
    },
    {
      name: "the root action's Entra token against the echoing API",
      async run() {
        const from = echo.requests.length;
        const run = await runAction("..", {
          env: caEnv(),
          inputs: { ...entraToEcho(), "client-secret": CLIENT_SECRET },
        });
        tamperedAnswered200(run.main.outputs.results);
        return actionOutcome(run, { message: PIPELINE_TAMPERED_LET_IN }, [sentAt(echo, from), CLIENT_SECRET]);
      },
    },
    {
      name: "fngate pipeline --json: the Entra token against the echoing API",
      async run() {
        const from = echo.requests.length;
        return cli(
          ["pipeline", ...flagsOf(entraToEcho())],
          { "client-secret": CLIENT_SECRET },
          { message: PIPELINE_TAMPERED_LET_IN },
          () => [sentAt(echo, from), CLIENT_SECRET],
        );
      },
    },
    {
      name: "smoke-test: a verifier open to HS256 key confusion (the public key's PEM as the secret)",
      async run() {
        const token = await confused.token();
        const inputs = { url: confused.url, token, "jwks-uri": confused.jwksUri };
        return smoke(inputs, { message: /hs256-key-confusion answered 200, expected 401/ }, [token]);
      },
    },
    {
      name: "smoke-test: a token with a line break (fetch would quote it in its error)",
      async run() {
        const token = `${await strictEcho.token()}\nr7-${process.pid}-after-the-break`;
        return smoke({ url: strictEcho.url, token }, { message: /^token / }, [
          token,
          `r7-${process.pid}-after-the-break`,
        ]);
      },
    },
    {
      name: "smoke-test: a header value outside Latin-1",
      async run() {
        const value = `key€r7-${process.pid}-header-secret`;
        const inputs = { url: strictEcho.url, headers: `X-Api-Key: ${value}` };
        return smoke(inputs, { message: /^headers X-Api-Key cannot be sent in an HTTP header/ }, [value]);
      },
    },
    {
      name: "smoke-test: an expired-token that has not expired",
      async run() {
        const token = await strictEcho.token();
        const notExpired = await strictEcho.token({ exp: now() + 600 });
        const inputs = { url: strictEcho.url, token, "expired-token": notExpired };
        return smoke(inputs, { message: /^expired-token has not expired/ }, [token, notExpired]);
      },
    },
    {
      name: "smoke-test: an expired token a verifier that ignores exp lets in",
      async run() {
        const careless = await startGuardedApi(oci.stack.tls, { verifier: "ignores-expiry" });
        try {
          const token = await careless.token();
          const expired = await careless.token({ iat: now() - 7200, exp: now() - 3600 });
          const inputs = { url: careless.url, token, "expired-token": expired };
          return await smoke(inputs, { message: /expired-token answered 200, expected 401/ }, [
            token,
            expired,
          ]);
        } finally {
          await careless.close();
        }
      },
    },
    {
      name: "gateway-deploy: a JWKS without issuers (Entra's keys sign every tenant's tokens)",
      async run() {
        const jwksUri = `${oci.stack.entra.url}/common/discovery/v2.0/keys`;
        return gatewayDeploy({ "jwks-uri": jwksUri }, { message: /^issuers is required with jwks-uri/ });
      },
    },
    {
      name: "gateway-deploy: required-claims that would replace the issuer check",
      async run() {
        const inputs = {
          "entra-tenant-id": tenantId,
          "authority-host": oci.stack.entra.host,
          "required-claims": "iss=https://evil.test/",
        };
        return gatewayDeploy(inputs, {
          message: /^required-claims line 1: iss cannot be a required claim: set issuers instead/,
        });
      },
    },
    {
      name: "gateway-deploy: a clock skew beyond OCI's 120 s (an expired token would pass for an hour)",
      async run() {
        const inputs = {
          "entra-tenant-id": tenantId,
          "authority-host": oci.stack.entra.host,
          "max-clock-skew": "3600",
        };
        return gatewayDeploy(inputs, { message: /^max-clock-skew must be a whole number from 0 to 120/ });
      },
    },
  ],
};
