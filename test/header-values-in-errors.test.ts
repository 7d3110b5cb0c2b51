// Node's fetch quotes a header value it cannot send in its error ("Headers.append: "Bearer <token>\n"
// is an invalid header value."), so a token or credential with a stray newline would be printed in
// clear. Every place a secret becomes a header is driven here with such a value, through the built
// actions: the error a user reads names the input, and the value shows nowhere.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { describeError } from "../src/errors.ts";
import { accessKeyDeployInputs, alibabaFixture } from "./emulators/alibaba/fixture.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { assertUserFailure, type ExpectedMessage, Job, type StepResult } from "./runner/index.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

const SECRET_TAIL = `${process.pid}-secret-tail-value`;
let stack: EmulatorStack;

before(async () => {
  stack = await startEmulatorStack();
});
after(async () => {
  await stack?.close();
});

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
