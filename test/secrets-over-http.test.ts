// A secret sent over HTTP never shows. An API that echoes the Authorization header, in its body and in
// its headers, and lets altered tokens in: the tampered-signature variant it answers with differs from
// the real token in one bit, so anything that shows it shows the token; through the built smoke-test
// action, the root action (the pipeline, with the token from the Entra stage) and the CLI's --json,
// neither the token nor any text sharing its `header.payload.` may reach a log, an output or the
// summary. And Node's fetch quotes a header value it cannot send in its error ("Headers.append: "Bearer
// <token>\n" is an invalid header value."), so a token or credential with a stray newline would be
// printed in clear: every place a secret becomes a header is driven with such a value, through the built
// actions; the error a user reads names the input, and the value shows nowhere.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { describeError } from "../src/errors.ts";
import { accessKeyDeployInputs, alibabaFixture } from "./emulators/alibaba/fixture.ts";
import type { Application } from "./emulators/entra/directory.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import {
  assertCliFailure,
  assertUserFailure,
  type ExpectedMessage,
  Job,
  type StepResult,
} from "./runner/index.ts";
import { cliSandbox, envOf, flagsOf } from "./support/cli-process.ts";
import { type GuardedApi, startGuardedApi } from "./support/guarded-api.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

const API_URI = "api://echo-api";
const CLIENT_SECRET = `cs~${process.pid}.echo_secret`;
let stack: EmulatorStack;
let echo: GuardedApi;
let tenantId: string;
let client: Application;

before(async () => {
  stack = await startEmulatorStack();
  echo = await startGuardedApi(stack.tls, { lenient: true, reflectAuthorization: true, algorithm: "ES256" });
  tenantId = stack.entra.addTenant();
  const api = stack.entra.addApiApp(tenantId, { identifierUris: [API_URI], appRoles: [{ value: "Invoke" }] });
  client = stack.entra.addClientApp(tenantId, {
    secrets: [{ value: CLIENT_SECRET }],
    roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
  });
});
after(async () => {
  await echo?.close();
  await stack?.close();
});

interface Result {
  check: string;
  answered: string;
  passed: boolean;
  detail?: string;
}

const results = (json: string | undefined) => JSON.parse(json ?? "[]") as Result[];
const byCheck = (list: Result[], check: string) => list.find((r) => r.check === check);
/** A short ES256 token (exp and kid only): whole, it fits in the 200 characters of a body a result quotes. */
const compactToken = () => echo.token({ iss: undefined, aud: undefined, roles: undefined, iat: undefined });
/** The bearer token of the echoing API's request number `index` (the pipeline's first is its real token). */
const tokenOfRequest = (index: number) =>
  /^Bearer (.+)$/.exec(echo.requests[index]?.authorization ?? "")?.[1];

async function smokeAction(inputs: Record<string, string>): Promise<StepResult> {
  await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: stack.caFile } });
  return await job.run("smoke-test", { inputs });
}

describe("an API that echoes the Authorization header", () => {
  it("smoke-test: the checks it lets in fail, and results carry neither the token nor its tampered variant", async () => {
    const token = await compactToken();
    const run = await smokeAction({ url: echo.url, token });
    assertUserFailure(run, /^smoke test failed, 2 of 5 checks: tampered-signature answered 200/, [token]);
    const list = results(run.outputs.results);
    const tampered = byCheck(list, "tampered-signature");
    assert.equal(tampered?.answered, "200");
    assert.match(tampered?.detail ?? "", /body is not shown \(negative-check-bodies: true shows it/);
    assert.deepEqual(secretsFound(shownByStep(run), [token]), []);
    assert.ok(run.masks.some((mask) => mask.startsWith(token.split(".").slice(0, 2).join("."))));
  });

  it("smoke-test with negative-check-bodies: the bodies are shown with every variant redacted", async () => {
    const token = await compactToken();
    const run = await smokeAction({ url: echo.url, token, "negative-check-bodies": "true" });
    assertUserFailure(run, /^smoke test failed, 2 of 5 checks: tampered-signature answered 200/, [token]);
    const tampered = byCheck(results(run.outputs.results), "tampered-signature");
    assert.equal(tampered?.detail, 'body: {"authorization":"Bearer ***","message":"Hello World"}');
    assert.deepEqual(secretsFound(shownByStep(run), [token]), []);
  });

  it("smoke-test: a refused token echoed in the 401 body and WWW-Authenticate stays hidden", async () => {
    const strictEcho = await startGuardedApi(stack.tls, { reflectAuthorization: true });
    try {
      const token = await strictEcho.token({ aud: "api://someone-else" });
      const run = await smokeAction({ url: strictEcho.url, token, wait: "0" });
      assertUserFailure(run, /^smoke test failed, 1 of 5 checks: with token answered 401, expected 200/, [
        token,
      ]);
      const positive = byCheck(results(run.outputs.results), "with token");
      assert.equal(
        positive?.detail,
        'body: {"authorization":"Bearer ***","code":401,"message":"Unauthorized"}',
      );
      assert.deepEqual(secretsFound(shownByStep(run), [token]), []);
    } finally {
      await strictEcho.close();
    }
  });

  it("fngate smoke-test --json: the JSON document carries no token variant", async () => {
    await using sandbox = await cliSandbox({ NODE_EXTRA_CA_CERTS: stack.caFile });
    const token = await compactToken();
    const run = await sandbox.run(["smoke-test", ...flagsOf({ url: echo.url }), "--json"], envOf({ token }));
    assertCliFailure(run, /^smoke test failed, 2 of 5 checks: tampered-signature answered 200/, {
      secrets: [token],
    });
    const document = JSON.parse(run.stdout) as { ok: boolean; outputs: Record<string, string> };
    assert.equal(document.ok, false);
    assert.equal(byCheck(results(document.outputs.results), "tampered-signature")?.answered, "200");
    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), [token]), []);
  });

  /** The pipeline with only its Entra and smoke-test stages, pointed at the echoing API. */
  const pipelineInputs = () => ({
    skip: "fn-context, ocir-login, fn-deploy, gateway-deploy",
    "entra-tenant-id": tenantId,
    "client-id": client.appId,
    "authority-host": stack.entra.host,
    scope: `${API_URI}/.default`,
    url: echo.url,
  });

  it("the root action: the Entra stage's token and its variants stay out of results, logs and summary", async () => {
    await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: stack.caFile } });
    const before = echo.requests.length;
    const run = await job.run("..", { inputs: { ...pipelineInputs(), "client-secret": CLIENT_SECRET } });
    assertUserFailure(run, /^smoke test failed, \d+ of \d+ checks: tampered-signature answered 200/, [
      CLIENT_SECRET,
    ]);
    const token = tokenOfRequest(before);
    assert.ok(token, "the pipeline sent its token to the API");
    assert.equal(byCheck(results(run.outputs.results), "tampered-signature")?.answered, "200");
    assert.deepEqual(secretsFound(shownByStep(run), [token, CLIENT_SECRET]), []);
  });

  it("fngate pipeline --json: the same, from the CLI", async () => {
    await using sandbox = await cliSandbox({ NODE_EXTRA_CA_CERTS: stack.caFile });
    const before = echo.requests.length;
    const run = await sandbox.run(
      ["pipeline", ...flagsOf(pipelineInputs()), "--json"],
      envOf({ "client-secret": CLIENT_SECRET }),
    );
    assertCliFailure(run, /^smoke test failed, \d+ of \d+ checks: tampered-signature answered 200/, {
      secrets: [CLIENT_SECRET],
    });
    const document = JSON.parse(run.stdout) as { outputs: Record<string, string> };
    assert.equal(byCheck(results(document.outputs.results), "tampered-signature")?.answered, "200");
    const token = tokenOfRequest(before);
    assert.ok(token, "the pipeline sent its token to the API");
    assert.deepEqual(secretsFound(await sandbox.allWrittenText(), [token, CLIENT_SECRET]), []);
  });
});

const SECRET_TAIL = `${process.pid}-secret-tail-value`;
async function run(action: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: stack.caFile, ...env } });
  return await job.run(action, { inputs });
}

/**
 * The failure contract with `message`, no secret in anything the step left either, and (unless `bug` is
 * allowed) not an unexpected error.
 */
function refusedQuietly(
  run: StepResult,
  message: ExpectedMessage,
  secrets: string[],
  options: { bug?: "allowed" } = {},
): void {
  const line = assertUserFailure(run, message, secrets);
  if (options.bug !== "allowed") assert.doesNotMatch(line, /unexpected error/);
  assert.deepEqual(secretsFound(shownByStep(run), secrets), []);
}

describe("a header value fetch cannot send never shows in an error", () => {
  it("describeError withholds the value Node's fetch quotes", async () => {
    const value = `Bearer abc\n${SECRET_TAIL}`;
    const error = await fetch("https://127.0.0.1:9/", { headers: { authorization: value } }).catch(
      (e: unknown) => e,
    );
    assert.match(String((error as Error).message), /is an invalid header value/);
    assert.match(String((error as Error).message), new RegExp(SECRET_TAIL), "fetch itself quotes it");
    const described = describeError(error);
    assert.equal(described, "Headers.append: (value withheld) is an invalid header value.");
  });

  it("smoke-test: a token with a line break is refused naming token, and not shown", async () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9\n${SECRET_TAIL}`;
    // The step's own check, or the control-character check of the inputs in front of it: either names token.
    refusedQuietly(await run("smoke-test", { url: "https://127.0.0.1:9/x", token }), /^token /, [
      token,
      SECRET_TAIL,
    ]);
  });

  it("smoke-test: a header value outside Latin-1 is refused naming the header, and not shown", async () => {
    const value = `key€${SECRET_TAIL}`;
    refusedQuietly(
      await run("smoke-test", { url: "https://127.0.0.1:9/x", headers: `X-Api-Key: ${value}` }),
      /^headers X-Api-Key cannot be sent in an HTTP header/,
      [value],
    );
  });

  it("entra-token: a client secret with a line break goes in the form body and is not shown", async () => {
    const tenantId = stack.entra.addTenant();
    const api = stack.entra.addApiApp(tenantId, { identifierUris: ["api://hv"], appRoles: [] });
    const client = stack.entra.addClientApp(tenantId, { secrets: [{ value: "the-real-secret" }] });
    const secret = `wrong\n${SECRET_TAIL}`;
    const inputs = {
      "tenant-id": tenantId,
      "client-id": client.appId,
      scope: `${api.identifierUris[0]}/.default`,
      "client-secret": secret,
      "authority-host": stack.entra.host,
    };
    refusedQuietly(await run("entra-token", inputs), /^client-secret/, [secret, SECRET_TAIL]);
  });

  it("entra-token federated: a runner request token with a line break is not shown", async () => {
    const tenantId = stack.entra.addTenant();
    const api = stack.entra.addApiApp(tenantId, { identifierUris: ["api://hv-fed"], appRoles: [] });
    const client = stack.entra.addClientApp(tenantId, {});
    const oidc = stack.githubOidc.envFor({ repository: "ORG/REPO", ref: "refs/heads/main" });
    const requestToken = `${oidc.ACTIONS_ID_TOKEN_REQUEST_TOKEN}\n${SECRET_TAIL}`;
    const inputs = {
      "tenant-id": tenantId,
      "client-id": client.appId,
      scope: `${api.identifierUris[0]}/.default`,
      federated: "true",
      "authority-host": stack.entra.host,
    };
    refusedQuietly(
      await run("entra-token", inputs, { ...oidc, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }),
      /GitHub OIDC token request failed/,
      [requestToken, SECRET_TAIL],
    );
  });

  it("fc-deploy: a security token with a line break (an SDK-built header) is not shown", async () => {
    const fx = alibabaFixture(stack);
    const token = `sts-token\n${SECRET_TAIL}`;
    const inputs = accessKeyDeployInputs(fx, "header-values", { "security-token": token });
    // Node's http (under the Alibaba SDK) names the header, never the value. That the input is refused
    // up front with a line naming security-token is the control-character check of the inputs.
    refusedQuietly(
      await run("fc-deploy", inputs, fx.env),
      /x-acs-security-token|security-token/,
      [token, SECRET_TAIL, fx.accessKey.secret],
      { bug: "allowed" },
    );
  });
});
