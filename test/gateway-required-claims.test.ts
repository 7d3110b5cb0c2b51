// An app role the gateway demands, proven end to end through the built actions as a workflow would
// run them: gateway-deploy with required-claims roles=Invoke puts verifyClaims into the policy; the
// Entra emulator issues the `roles` claim only to a client assigned the role, so in the root action,
// gateway, token and smoke test in one step: 200 with that client's token and 401 for a second
// client's (refused-token, from an entra-token step before), an expired token the issuer really
// signed, and HS256 forgeries made with the tenant's JWKS.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Application } from "./emulators/entra/directory.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { answersOf, GUARDED_ANSWERS } from "./reliability/pipeline-fixture.ts";
import type { Job, StepResult } from "./runner/index.ts";
import { GATEWAY_AUDIENCE, type GatewayFixture, startGatewayFixture } from "./support/gateway-fixture.ts";
import { stepPassed } from "./support/passed.ts";
import { requireRegistry as registryPresent } from "./support/real-components.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

const SECRET_A = `cs~${process.pid}.with_role`;
const SECRET_B = `cs~${process.pid}.without_role`;
let gw: GatewayFixture;
let invoker: Application;
let stranger: Application;

before(async () => {
  gw = await startGatewayFixture({ registry: true });
  trustCaInProcess(gw.oci.stack.caPem);
  const { entra } = gw.oci.stack;
  const api = entra.addApiApp(gw.tenantId, {
    identifierUris: [GATEWAY_AUDIENCE],
    appRoles: [{ value: "Invoke" }],
  });
  invoker = entra.addClientApp(gw.tenantId, {
    secrets: [{ value: SECRET_A }],
    roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
  });
  stranger = entra.addClientApp(gw.tenantId, { secrets: [{ value: SECRET_B }] });
});
after(async () => {
  await gw?.close();
});

function entraInputs(client: Application, secret: string): Record<string, string> {
  return {
    "tenant-id": gw.tenantId,
    "client-id": client.appId,
    "client-secret": secret,
    scope: `${GATEWAY_AUDIENCE}/.default`,
    "authority-host": gw.oci.stack.entra.host,
  };
}

async function tokenOf(job: Job, client: Application, secret: string): Promise<string> {
  const run = await stepPassed(job, "entra-token", entraInputs(client, secret));
  return run.outputs["access-token"] ?? "";
}

/** A v1 token for the API from `client`, issued two hours ago for one hour and signed with the tenant's key. */
const expiredToken = () =>
  gw.oci.stack.entra.mintToken({
    tenantId: gw.tenantId,
    resource: GATEWAY_AUDIENCE,
    clientAppId: invoker.appId,
    issuedAt: new Date(Date.now() - 2 * 3600_000),
    lifetimeSeconds: 3600,
  });

const answers = (run: StepResult) => answersOf(run.outputs.results);

describe("required-claims: an app role the gateway demands", () => {
  // Entra's tokens with and without the role, and what the gateway answers each: the root action's test.
  it("step by step: the role in the deployed policy; a re-run changes nothing", async () => {
    await using job = await gw.preparedJob();
    const deployInputs = gw.inputs("roles", { "required-claims": "roles=Invoke" });
    const deployed = await gw.deploy(job, deployInputs);
    const stored = gw.oci.stack.oci.state.apigw.deployments.get(deployed.outputs["deployment-id"] ?? "");
    type Json = Record<string, unknown>;
    const auth = (stored?.specification.requestPolicies as Json | undefined)?.authentication as Json;
    const additional = (auth.validationPolicy as Json).additionalValidationPolicy as Json;
    assert.deepEqual(additional?.verifyClaims, [{ key: "roles", values: ["Invoke"], isRequired: true }]);

    const before = gw.mutatingCalls();
    const again = await gw.deploy(job, deployInputs);
    assert.equal(again.outputs.changed, "false");
    assert.equal(gw.mutatingCalls(), before, "no mutating call on a re-run with the same claims");
  });

  it("the root action: gateway, token and smoke test in one step, the role-less token from an earlier step", async (t) => {
    if (!(await registryPresent(t))) return;
    await using job = await gw.preparedJob();
    const withoutRole = await tokenOf(job, stranger, SECRET_B);
    const expired = await expiredToken();
    const { "tenant-id": _tenant, ...entra } = entraInputs(invoker, SECRET_A);
    const run = await stepPassed(job, "..", {
      ...gw.inputs("roles-pipe", { "required-claims": "roles=Invoke" }),
      ...entra,
      skip: "fn-context, ocir-login, fn-deploy",
      "function-id": gw.fnHello,
      "refused-token": withoutRole,
      "expired-token": expired,
      "expect-body": '{"message":"Hello World"}',
    });
    // hs256-key-confusion is forged with the JWKS of the gateway's policy.
    assert.deepEqual(answers(run), [...GUARDED_ANSWERS, "expired-token=401", "refused-token=401"]);
    // The negative checks go out at once: the role-less token's refusal is among the last answers.
    const failures = gw.oci.stack.gateway.requests.map((request) => request.authFailure ?? "");
    assert.ok(
      failures.some((failure) => /required claim roles is missing/.test(failure)),
      failures.join("\n"),
    );
    assert.deepEqual(secretsFound(shownByStep(run), [withoutRole, expired, SECRET_A, ...run.masks]), []);
  });
});
