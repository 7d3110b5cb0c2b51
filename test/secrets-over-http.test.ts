// A secret sent over HTTP never shows. Node's fetch quotes a header value it cannot send in its error
// ("Headers.append: "Bearer <token>\n" is an invalid header value."), so a token or credential with a
// stray newline would be printed in clear: describeError withholds the value, and the runner's request
// token (an environment variable, which no input check sees) with a line break stays hidden through the
// built entra-token action. An API that echoes the Authorization header, every secret input with a line
// break and a header value outside Latin-1 are R7 cases (test/reliability/r7: tokens-and-policies,
// input-hygiene).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { describeError } from "../src/errors.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { assertUserFailure, Job } from "./runner/index.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

let stack: EmulatorStack;
before(async () => {
  stack = await startEmulatorStack();
});
after(async () => {
  await stack?.close();
});

const SECRET_TAIL = `${process.pid}-secret-tail-value`;

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
    const env = { NODE_EXTRA_CA_CERTS: stack.caFile, ...oidc, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken };
    await using job = await Job.create({ env });
    const run = await job.run("entra-token", { inputs });
    const secrets = [requestToken, SECRET_TAIL];
    const line = assertUserFailure(run, /GitHub OIDC token request failed/, secrets);
    assert.doesNotMatch(line, /unexpected error/);
    assert.deepEqual(secretsFound(shownByStep(run), secrets), []);
  });
});
