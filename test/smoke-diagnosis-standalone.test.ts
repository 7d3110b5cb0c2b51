// The standalone smoke-test action knows only the URL: a 500 names the gateway → functions policy in
// its generic form (placeholders) and sends the user to `fngate preflight`; a 401 with a token shows
// the token's iss and aud (never the token) to compare with the deployment.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";
import { Job } from "./runner/index.ts";
import { type GuardedApi, startGuardedApi } from "./support/guarded-api.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

let tls: TlsMaterial;
let api: GuardedApi;
before(async () => {
  tls = await createTestCa();
  api = await startGuardedApi(tls);
});
after(async () => {
  await api?.close();
});

async function failureLine(inputs: Record<string, string>, token: string): Promise<string> {
  const job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: tls.caFile } });
  try {
    const run = await job.run("smoke-test", { inputs: { ...inputs, token, "negative-checks": "no-token" } });
    assert.equal(run.exitCode, 1, run.stdout);
    const errors = run.annotations.filter((a) => a.level === "error");
    assert.equal(errors.length, 1, run.stdout);
    const everything = visibleOutput(run.stdout) + run.stderr + (await job.allWrittenText());
    assert.deepEqual(secretsFound(everything, [token]), []);
    return errors[0]?.message ?? "";
  } finally {
    await job.dispose();
  }
}

describe("smoke-test action: the likely cause from the URL alone", () => {
  it("a 500 names the gateway → functions policy with placeholders and fngate preflight", async () => {
    api.failNext(1, 500);
    const line = await failureLine({ url: api.url }, await api.token());
    assert.match(
      line,
      /^smoke test failed, 1 of 2 checks: with token answered 500, expected 200 \(likely cause: if this is an OCI API Gateway route, the gateway is likely not allowed to invoke the function: a policy in the tenancy must say ALLOW any-user to use functions-family in compartment <functions' compartment path> where ALL \{request\.principal\.type = 'ApiGateway', request\.resource\.compartment\.id = '<gateway's compartment OCID>'\}; run `fngate preflight`/,
    );
  });

  it("a 401 with a token shows its iss and aud to compare with the deployment", async () => {
    const line = await failureLine(
      { url: api.url, wait: "1" },
      await api.token({ aud: "api://someone-else" }),
    );
    assert.match(
      line,
      /with token answered 401, expected 200 \(likely cause: the token has iss "[^"]+" and aud "api:\/\/someone-else": compare them with the deployment's issuers and audiences/,
    );
  });
});
