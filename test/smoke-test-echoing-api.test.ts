// An API that echoes the Authorization header, in its body and in its headers, and lets altered tokens
// in: the tampered-signature variant it answers with differs from the real token in one bit, so
// anything that shows it shows the token. Through the built smoke-test action, the root action (the
// pipeline, with the token from the Entra stage) and the CLI's --json, neither the token nor any text
// sharing its `header.payload.` may reach a log, an output or the summary.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Application } from "./emulators/entra/directory.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { assertCliFailure, assertUserFailure, Job, type StepResult } from "./runner/index.ts";
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
