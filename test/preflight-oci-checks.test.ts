// The preflight action's OCI checks, run as the runner runs it, against a tenancy laid out as before a
// first deploy: credentials, compartment, application, function, repository, gateway and the gateway →
// functions policy (pages, dynamic groups, a caller who may not read policies), each shown satisfied and
// unsatisfied with its fix, in the log, the job summary and the results output, never changing anything.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertUserFailure } from "./runner/index.ts";
import {
  BLOCKED,
  expectRow,
  type PreflightWorld,
  rowOf as row,
  startPreflightWorld,
} from "./support/preflight-world.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

let world: PreflightWorld;

before(async () => {
  world = await startPreflightWorld();
});
after(async () => {
  await world?.close();
});

describe("preflight: OCI checks", () => {
  it("every check satisfied: one ok row each in the log, the summary and the results output, nothing changed", async () => {
    const policy = world.allowGateway();
    try {
      const token = await world.oci.stack.entra.mintToken({
        tenantId: world.tenantId,
        resource: "api://fngate-v1",
        clientAppId: world.client.appId,
      });
      const { run, rows } = await world.preflight({ ...world.ociInputs(), ...world.entraInputs(), token });
      assert.equal(run.exitCode, 0, run.stdout);
      assert.deepEqual(
        rows.map((r) => `${r.status} ${r.check}`),
        [
          "ok OCI credentials sign",
          "ok compartment",
          "ok Functions application",
          "ok OCIR repository",
          "ok API gateway",
          "ok gateway → functions policy",
          "ok remote JWKS",
          "ok token issuers",
          "ok Entra token version (v1/v2)",
        ],
      );
      assert.deepEqual([run.outputs.blocked, run.outputs.warnings], ["false", "0"]);
      assert.match(row(rows, "OCI credentials sign").detail, /^signed call accepted \(tenancy namespace /);
      assert.match(row(rows, "compartment").detail, /^fngate-test:apps \(ACTIVE\)$/);
      assert.match(
        row(rows, "gateway → functions policy").detail,
        /^policy apigw-functions-\d+ in fngate-test: ALLOW any-user/,
      );
      assert.match(
        row(rows, "Entra token version (v1/v2)").detail,
        /the token is v1 .*aud api:\/\/fngate-v1/,
      );
      for (const r of rows)
        assert.ok(run.stdout.includes(`ok      ${r.check}: ${r.detail}`), `log line for ${r.check}`);
      assert.match(run.summary, /<h3>fngate preflight<\/h3>/);
      assert.equal(run.summary.match(/✅ ok/g)?.length, 9);
      assert.deepEqual(secretsFound(visibleOutput(run.stdout) + run.stderr + run.summary, [token]), []);
    } finally {
      world.oci.stack.oci.state.iam.deletePolicy(policy.id);
    }
  });

  it("the application, the repository and the gateway: each miss with its fix, blocking only what would fail", async () => {
    const { run, rows } = await world.preflight(
      world.ociInputs({
        application: "fngat",
        repository: "fngate/open",
        "gateway-ocid": world.creatingGatewayId,
      }),
    );
    assertUserFailure(
      run,
      /^preflight: 2 checks would fail the deploy, nothing was changed: Functions application: no application named "fngat".* Fix: create it .*\(and API gateway\)$/,
      [world.oci.key.pkcs8],
    );
    expectRow(rows, "Functions application", "missing (blocks)", {
      detail: /no application named "fngat" .*closest names: fngate/,
      fix: /oci fn application create --compartment-id/,
    });
    expectRow(rows, "OCIR repository", "missing", {
      detail: /fngate\/open is public/,
      fix: /oci artifacts container repository update --repository-id \S+ --is-public false/,
    });
    expectRow(rows, "API gateway", "missing (blocks)", {
      detail: /new is CREATING; deployments need an ACTIVE gateway/,
    });
    assert.match(
      row(rows, "gateway → functions policy").detail,
      /not checked: the functions' compartment could not be found/,
    );
    assert.match(run.stdout, /^BLOCKED Functions application: /m);
    assert.match(run.stdout, /^MISSING OCIR repository: /m);
    assert.match(run.stdout, /^ {8}fix: make it private/m);
    assert.ok(
      run.annotations.some(
        (a) => a.level === "warning" && /OCIR repository: fngate\/open is public/.test(a.message),
      ),
    );
    assert.match(run.summary, /would fail the deploy/);
    assert.deepEqual([run.outputs.blocked, run.outputs.warnings], ["true", "2"]);

    const elsewhere = await world.preflight({
      "compartment-ocid": world.oci.tenancyId.replace("tenancy", "compartment"),
      repository: "fngate/new",
      "gateway-ocid": world.gatewayId.replace(/.$/, (last) => (last === "q" ? "r" : "q")),
    });
    assertUserFailure(elsewhere.run, BLOCKED);
    expectRow(elsewhere.rows, "compartment", "cannot tell", {
      detail:
        /404 NotAuthorizedOrNotFound: it does not exist, is in another tenancy, or the user may not inspect compartments/,
    });
    // A repository fn-deploy will create is expected on a first deploy: an info line, not a warning.
    expectRow(elsewhere.rows, "OCIR repository", "ok", {
      detail: /^fngate\/new does not exist yet: fn-deploy will create it \(private\) in ocid1\.compartment\./,
    });
    assert.match(
      elsewhere.run.stdout,
      /^ok {6}OCIR repository: fngate\/new does not exist yet: fn-deploy will create it/m,
    );
    assert.ok(!elsewhere.run.annotations.some((a) => /OCIR repository/.test(a.message)));
    expectRow(elsewhere.rows, "API gateway", "missing (blocks)", { fix: /manage api-gateway-family/ });
  });

  it("no gateway → functions policy blocks with Oracle's statement, the CLI command and the console path; unreadable policies cannot be told; seeded, it is ok", async () => {
    const statement = `ALLOW any-user to use functions-family in compartment apps where ALL {request.principal.type = 'ApiGateway', request.resource.compartment.id = '${world.network.id}'}`;
    const missing = await world.preflight(world.ociInputs());
    assertUserFailure(missing.run, /gateway → functions policy: no policy/);
    const policy = expectRow(missing.rows, "gateway → functions policy", "missing (blocks)", {
      detail:
        /no policy in compartment fngate-test:apps or above lets API gateways in \S+ invoke its functions: every call through the gateway would answer 500/,
    });
    assert.ok(policy.fix?.startsWith(statement), policy.fix);
    assert.match(
      policy.fix ?? "",
      /Console → Identity & Security → Policies → \(root compartment\) → Create Policy/,
    );
    assert.match(
      policy.fix ?? "",
      new RegExp(
        `oci iam policy create --compartment-id ${world.oci.tenancyId} --name fngate-apigateway-invokes-functions`,
      ),
    );

    // A caller without `inspect policies` gets 404 on ListPolicies: a warning, not a guess.
    const refuse = world.oci.stack.oci.faults.add((target) =>
      target.operation === "ListPolicies"
        ? {
            status: 404,
            code: "NotAuthorizedOrNotFound",
            message: "Authorization failed or requested resource not found.",
          }
        : undefined,
    );
    try {
      const unreadable = await world.preflight(world.ociInputs());
      const unsure = expectRow(unreadable.rows, "gateway → functions policy", "cannot tell", {
        detail:
          /may not read the policies of fngate-test \(ListPolicies: 404 NotAuthorizedOrNotFound\), apps .*inspect policies is needed/,
      });
      assert.ok(unsure.fix?.includes(statement));
      assert.equal(unreadable.run.exitCode, 0, "a warning does not fail the step");
    } finally {
      refuse();
    }

    // Seeded, the same inputs are ok: the first test of this file. Without fn-deploy, the function the
    // route calls names the compartment.
    const seeded = world.allowGateway();
    try {
      const byFunction = await world.preflight({
        "function-id": world.functionId,
        "gateway-ocid": world.gatewayId,
      });
      assert.equal(byFunction.run.exitCode, 0, byFunction.run.stdout);
      assert.deepEqual(
        byFunction.rows.map((r) => `${r.status} ${r.check}`),
        ["ok OCI credentials sign", "ok function", "ok API gateway", "ok gateway → functions policy"],
      );
    } finally {
      world.oci.stack.oci.state.iam.deletePolicy(seeded.id);
    }
  });

  it("reads every page of a compartment's policies: a grant on the second page counts", async () => {
    const { state } = world.oci.stack.oci;
    const fillers = Array.from({ length: 100 }, (_, n) =>
      state.iam.createPolicy({
        compartmentId: world.oci.tenancyId,
        name: `filler-${n}`,
        statements: [`allow group team-${n} to read all-resources in compartment apps`],
      }),
    );
    const grant = world.allowGateway();
    try {
      const { run, rows } = await world.preflight(world.ociInputs());
      assert.equal(run.exitCode, 0, run.stdout);
      assert.match(
        row(rows, "gateway → functions policy").detail,
        new RegExp(`^policy ${grant.name} in fngate-test`),
      );
    } finally {
      for (const policy of [...fillers, grant]) state.iam.deletePolicy(policy.id);
    }
  });

  it("a dynamic group policy counts when the group's matching rule selects the gateway", async () => {
    const { state } = world.oci.stack.oci;
    state.iam.createDynamicGroup({
      tenancyId: world.oci.tenancyId,
      name: "app-gateways",
      matchingRule: `ALL {resource.type = 'ApiGateway', resource.compartment.id = '${world.apps.id}'}`,
    });
    state.iam.createDynamicGroup({
      tenancyId: world.oci.tenancyId,
      name: "edge-gateways",
      matchingRule: `ALL {resource.type = 'apigateway', resource.compartment.id = '${world.network.id}'}`,
    });
    const wrongGroup = state.iam.createPolicy({
      compartmentId: world.apps.id,
      name: "app-gateways-invoke",
      statements: ["Allow dynamic-group app-gateways to use functions-family in compartment apps"],
    });
    try {
      const refused = await world.preflight(world.ociInputs());
      expectRow(refused.rows, "gateway → functions policy", "missing (blocks)");
    } finally {
      state.iam.deletePolicy(wrongGroup.id);
    }
    // Attached to apps, a statement names the compartment itself by OCID (a name would mean a child).
    const rightGroup = state.iam.createPolicy({
      compartmentId: world.apps.id,
      name: "edge-gateways-invoke",
      statements: [
        `Allow dynamic-group Edge-Gateways to use functions-family in compartment id ${world.apps.id}`,
      ],
    });
    try {
      const allowed = await world.preflight(world.ociInputs());
      assert.equal(allowed.run.exitCode, 0, allowed.run.stdout);
      assert.match(
        row(allowed.rows, "gateway → functions policy").detail,
        /^policy edge-gateways-invoke in apps: Allow dynamic-group Edge-Gateways/,
      );
    } finally {
      state.iam.deletePolicy(rightGroup.id);
    }
  });

  it("credentials that do not sign: one blocking row, no other OCI call", async () => {
    const { state } = world.oci.stack.oci;
    assert.ok(state.removeApiKey(world.oci.userId, world.oci.key.fingerprint));
    try {
      const { run, rows } = await world.preflight(world.ociInputs());
      assertUserFailure(run, BLOCKED, [world.oci.key.pkcs8]);
      assert.equal(rows.length, 1);
      expectRow(rows, "OCI credentials sign", "missing (blocks)", {
        detail: /401 NotAuthenticated/,
        fix: /run fn-context with verify: true/,
      });
    } finally {
      state.addApiKey(world.oci.userId, world.oci.key.publicPem);
    }
  });
});
