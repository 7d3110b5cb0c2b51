// R6 secure defaults: without an input that asks for it by name, nothing is anonymous. gateway-deploy
// refuses a route without authentication (and says allow-anonymous is the opt-in), an http:// JWKS and
// a token check without audiences; the smoke test fails an API that lets an altered token in; the
// access token is never in any output but the masked access-token.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertUserFailure, Job, type StepResult } from "../runner/index.ts";
import { type GatewayFixture, startGatewayFixture } from "../support/gateway-fixture.ts";
import { startGuardedApi } from "../support/guarded-api.ts";
import { secretsFound, visibleOutput } from "../support/secret-scan.ts";
import { printFigure } from "./figures.ts";

const SECRET = `r6~${process.pid}.client_secret_value`;
const API = "api://fngate-r6";
let gw: GatewayFixture;
let clientId: string;

before(async () => {
  gw = await startGatewayFixture();
  const { entra } = gw.oci.stack;
  const api = entra.addApiApp(gw.tenantId, {
    identifierUris: [API],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }],
  });
  clientId = entra.addClientApp(gw.tenantId, {
    secrets: [{ value: SECRET }],
    roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
  }).appId;
});
after(async () => {
  await (await prepared)?.dispose();
  await gw?.close();
});

let proven = 0;
let checks = 0;
after(() => {
  printFigure("R6", "secure defaults", `${proven}/${checks} refusals and guarantees proven`);
});

/** Counts a check for the figure; it is proven only if its body returns without an assertion failing. */
function check(name: string, body: () => Promise<void>): void {
  checks += 1;
  it(name, async () => {
    await body();
    proven += 1;
  });
}

/** gateway-deploy in one job that has run fn-context (a refused step does not stop the next). */
let prepared: Promise<Job> | undefined;
async function gatewayDeploy(deployment: string, overrides: Record<string, string>): Promise<StepResult> {
  prepared ??= gw.preparedJob();
  return (await prepared).run("gateway-deploy", { inputs: gw.inputs(deployment, overrides) });
}

describe("R6: nothing is anonymous unless an input asks for it by name", () => {
  check("gateway-deploy refuses a route without authentication, naming allow-anonymous", async () => {
    const before = gw.mutatingCalls();
    const run = await gatewayDeploy("open", { "entra-tenant-id": "", audiences: "" });
    assertUserFailure(run, /no authentication: set entra-tenant-id .*allow-anonymous: true/);
    assert.equal(gw.mutatingCalls(), before, "nothing deployed");
  });

  check("with allow-anonymous: true, the same route is deployed: the opt-in is by name only", async () => {
    const run = await gatewayDeploy("open", {
      "entra-tenant-id": "",
      audiences: "",
      "allow-anonymous": "true",
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  });

  check("gateway-deploy refuses an http:// JWKS", async () => {
    const run = await gatewayDeploy("plain", { "entra-tenant-id": "", "jwks-uri": "http://keys.test/jwks" });
    assertUserFailure(run, /^jwks-uri must be an https:\/\/ URL/);
  });

  check("gateway-deploy refuses token authentication without audiences", async () => {
    const run = await gatewayDeploy("anyaud", { audiences: "" });
    assertUserFailure(run, /^audiences is required/);
  });

  check("the smoke test fails when the API accepts an altered token", async () => {
    const lenient = await startGuardedApi(gw.oci.stack.tls, { lenient: true });
    await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: gw.oci.stack.caFile } });
    try {
      // Default negative checks: nothing but url and token is given, as a user would.
      const run = await job.run("smoke-test", { inputs: { url: lenient.url, token: await lenient.token() } });
      assertUserFailure(run, /tampered-signature answered 200, expected 401; alg-none answered 200/);
      assert.equal(run.outputs.passed, "false");
    } finally {
      await lenient.close();
    }
  });

  check("entra-token puts the token in the masked access-token output and nowhere else", async () => {
    await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: gw.oci.stack.caFile } });
    const run = await job.run("entra-token", {
      inputs: {
        "tenant-id": gw.tenantId,
        "client-id": clientId,
        scope: `${API}/.default`,
        "client-secret": SECRET,
        "authority-host": gw.oci.stack.entra.host,
      },
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const token = run.outputs["access-token"] ?? "";
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(run.masks.includes(token), "access-token is masked");
    const { "access-token": _token, ...others } = run.outputs;
    const signature = token.split(".")[2] ?? "";
    const elsewhere =
      JSON.stringify(others) +
      JSON.stringify(run.exportedEnv) +
      visibleOutput(run.stdout) +
      run.stderr +
      run.summary;
    assert.deepEqual(secretsFound(elsewhere, [token, signature, SECRET]), []);
  });
});
