// Node's fetch quotes a header value it cannot send in its error ("Headers.append: "Bearer <token>\n"
// is an invalid header value."), so a token or credential with a stray newline would be printed in
// clear. Every place a secret becomes a header is driven here with such a value, through the built
// actions: the error a user reads names the input, and the value shows nowhere.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { describeError } from "../src/errors.ts";
import { accessKeyDeployInputs, alibabaFixture } from "./emulators/alibaba/fixture.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { Job, type StepResult } from "./runner/index.ts";
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
  const job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: stack.caFile, ...env } });
  try {
    return await job.run(action, { inputs });
  } finally {
    await job.dispose();
  }
}

/** Exit 1, one error line, no secret anywhere and (unless `bug` is allowed) not an unexpected error. */
function refusedQuietly(run: StepResult, secrets: string[], options: { bug?: "allowed" } = {}): string {
  assert.equal(run.exitCode, 1, run.stdout + run.stderr);
  const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
  assert.equal(errors.length, 1, run.stdout);
  if (options.bug !== "allowed") assert.doesNotMatch(errors[0] ?? "", /unexpected error/);
  assert.deepEqual(secretsFound(shownByStep(run), secrets), []);
  return errors[0] ?? "";
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
    const message = refusedQuietly(await run("smoke-test", { url: "https://127.0.0.1:9/x", token }), [
      token,
      SECRET_TAIL,
    ]);
    // The step's own check, or the control-character check of the inputs in front of it: either names token.
    assert.match(message, /^token /);
  });

  it("smoke-test: a header value outside Latin-1 is refused naming the header, and not shown", async () => {
    const value = `key€${SECRET_TAIL}`;
    const message = refusedQuietly(
      await run("smoke-test", { url: "https://127.0.0.1:9/x", headers: `X-Api-Key: ${value}` }),
      [value],
    );
    assert.match(message, /^headers X-Api-Key cannot be sent in an HTTP header/);
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
    refusedQuietly(await run("entra-token", inputs), [secret, SECRET_TAIL]);
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
    const message = refusedQuietly(
      await run("entra-token", inputs, { ...oidc, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }),
      [requestToken, SECRET_TAIL],
    );
    assert.match(message, /GitHub OIDC token request failed/);
  });

  it("fc-deploy: a security token with a line break (an SDK-built header) is not shown", async () => {
    const fx = alibabaFixture(stack);
    const token = `sts-token\n${SECRET_TAIL}`;
    const inputs = accessKeyDeployInputs(fx, "header-values", { "security-token": token });
    // Node's http (under the Alibaba SDK) names the header, never the value. That the input is refused
    // up front with a line naming security-token is the control-character check of the inputs.
    const message = refusedQuietly(
      await run("fc-deploy", inputs, fx.env),
      [token, SECRET_TAIL, fx.accessKey.secret],
      { bug: "allowed" },
    );
    assert.match(message, /x-acs-security-token|security-token/);
  });
});
