// gateway-deploy through the runner harness, in a job that runs fn-context first, against the OCI
// emulator's API Gateway control plane: the specification it stores, merges and keeps. What its data
// plane then lets in (the stored policy enforced with jose against the Entra emulator's JWKS): R5.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { withServerDefaults } from "./emulators/oci/apigateway-server-defaults.ts";
import { readSpecification } from "./emulators/oci/apigateway-spec.ts";
import type { Job } from "./runner/index.ts";
import { GATEWAY_AUDIENCE, type GatewayFixture, startGatewayFixture } from "./support/gateway-fixture.ts";
import type { OciFixture } from "./support/oci-fixture.ts";

let gw: GatewayFixture;
let oci: OciFixture;
let gatewayId: string;
let tenantId: string;
let fnHello: string;
let fnOther: string;
/** One job that has run fn-context, for every run in turn (a workflow with many gateway-deploy steps). */
let job: Job;

before(async () => {
  gw = await startGatewayFixture();
  ({ oci, gatewayId, tenantId, fnHello, fnOther } = gw);
  job = await gw.preparedJob();
});
after(async () => {
  await job?.dispose();
  await gw?.close();
});

const AUDIENCE = GATEWAY_AUDIENCE;
const deploy = (values: Record<string, string>) => gw.deploy(job, values);
const inputs = (deployment: string, overrides: Record<string, string> = {}) =>
  gw.inputs(deployment, overrides);

type Json = Record<string, unknown>;

/** A GET route to a function, as a deployment stores it. */
const fnRoute = (path: string, functionId: string): Json => ({
  path,
  methods: ["GET"],
  backend: { type: "ORACLE_FUNCTIONS_BACKEND", functionId },
});

/** A deployment someone else made (the console, another tool): its id. */
function othersDeployment(name: string, specification: Json): string {
  return oci.stack.oci.state.apigw.createDeployment({
    gatewayId,
    compartmentId: oci.tenancyId,
    pathPrefix: `/${name}`,
    displayName: name,
    specification: structuredClone(specification),
    spec: readSpecification(specification),
    freeformTags: undefined,
    definedTags: undefined,
  }).deployment.id;
}

function storedSpec(deploymentId: string | undefined): Json {
  const deployment = oci.stack.oci.state.apigw.deployments.get(deploymentId ?? "");
  assert.ok(deployment, `deployment ${deploymentId} exists`);
  return deployment.specification;
}

describe("gateway-deploy puts a function behind Entra token authentication", () => {
  it("creates the deployment from entra-tenant-id; a re-run changes nothing", async () => {
    const first = await deploy(inputs("hello"));
    assert.equal(first.outputs.changed, "true");
    const id = first.outputs["deployment-id"];
    const issuers = [
      `https://sts.windows.net/${tenantId}/`,
      `https://login.microsoftonline.com/${tenantId}/v2.0`,
    ];
    assert.deepEqual(first.outputs.issuers?.split("\n"), issuers);
    assert.equal(first.outputs.audiences, AUDIENCE);
    const auth = (storedSpec(id).requestPolicies as Json).authentication as Json;
    assert.equal(auth.type, "TOKEN_AUTHENTICATION");
    const validation = auth.validationPolicy as Json;
    assert.equal(validation.type, "REMOTE_JWKS");
    assert.equal(validation.uri, `${oci.stack.entra.url}/${tenantId}/discovery/v2.0/keys`);
    assert.deepEqual(validation.additionalValidationPolicy, { issuers, audiences: [AUDIENCE] });
    assert.equal(first.outputs.endpoint?.startsWith(oci.stack.gateway.url), true);
    assert.equal(first.outputs.url, `${first.outputs.endpoint}/`);
    assert.match(first.summary, /TOKEN_AUTHENTICATION/);
    // The re-run compares against what OCI echoes: its defaults filled in, its tag defaults added.
    assert.ok((storedSpec(id).requestPolicies as Json).mutualTls);
    const tagged = oci.stack.oci.state.apigw.deployments.get(id ?? "")?.definedTags ?? {};
    assert.deepEqual(Object.keys(tagged), ["Oracle-Tags"]);

    const before = gw.mutatingCalls();
    const second = await deploy(inputs("hello"));
    assert.equal(second.outputs.changed, "false");
    assert.match(second.stdout, /no change made/);
    assert.equal(gw.mutatingCalls(), before, "a re-run made a mutating OCI call");
    // What the gateway then lets in and refuses: R5 (reliability/r5-auth-negatives) for this deployment's
    // policy with v1 tokens, the root action's v2 run (pipeline-action) for v2 tokens.
  });

  it("merges routes: others kept, same path and methods replaced, prune removes the rest", async () => {
    const first = await deploy(inputs("merge", { "route-path": "/a" }));
    const id = first.outputs["deployment-id"];
    assert.equal(first.outputs["previous-etag"], undefined, "a created deployment had no earlier version");
    const added = await deploy(inputs("merge", { "route-path": "/b", "route-methods": "GET,POST" }));
    assert.deepEqual(gw.routesOf(id), ["GET /a -> hello", "GET,POST /b -> hello"]);
    const replaced = await deploy(inputs("merge", { "route-path": "/a", "function-id": fnOther }));
    assert.equal(replaced.outputs.changed, "true");
    // Each update names the version it replaced: the one before the previous update is another.
    assert.match(added.outputs["previous-etag"] ?? "", /^\S+$/);
    assert.match(replaced.outputs["previous-etag"] ?? "", /^\S+$/);
    assert.notEqual(replaced.outputs["previous-etag"], added.outputs["previous-etag"]);
    assert.deepEqual(gw.routesOf(id), ["GET /a -> other", "GET,POST /b -> hello"]);
    const routes = `- {path: /c, methods: [PUT], function-id: ${fnOther}}`;
    const { "function-id": _fn, ...rest } = inputs("merge", { prune: "true", routes });
    const pruned = await deploy(rest);
    assert.deepEqual(gw.routesOf(id), ["PUT /c -> other"]);
    assert.match(pruned.stdout, /removed GET \/a; GET,POST \/b/);
    assert.equal(pruned.outputs.url, `${pruned.outputs.endpoint}/c`);
  });

  it("keeps an existing JWT_AUTHENTICATION policy when no key source is given, and says when it replaces it", async () => {
    const jwt = {
      type: "JWT_AUTHENTICATION",
      tokenHeader: "Authorization",
      tokenAuthScheme: "Bearer",
      issuers: [`https://sts.windows.net/${tenantId}/`],
      audiences: [AUDIENCE],
      publicKeys: { type: "REMOTE_JWKS", uri: `${oci.stack.entra.url}/${tenantId}/discovery/keys` },
    };
    const specification = { requestPolicies: { authentication: jwt }, routes: [fnRoute("/old", fnHello)] };
    const legacy = othersDeployment("legacy", specification);
    const noAuth = { "entra-tenant-id": "", audiences: "", "route-path": "/new" };
    const kept = await deploy(inputs("legacy", noAuth));
    assert.match(kept.stdout, /Keeping the deployment's JWT_AUTHENTICATION policy/);
    // Kept as it was, plus the defaults OCI fills in on every write (apigateway-server-defaults.ts).
    const echoed = withServerDefaults(specification).requestPolicies as Json;
    assert.deepEqual((storedSpec(legacy).requestPolicies as Json).authentication, echoed.authentication);
    assert.deepEqual(gw.routesOf(legacy), ["GET /old -> hello", "GET /new -> hello"]);
    assert.equal(kept.outputs.issuers, jwt.issuers[0]);
    assert.equal(kept.outputs.audiences, AUDIENCE);
    // How the gateway enforces a JWT_AUTHENTICATION policy: test/oci-apigateway-emulator-gateway.test.ts.

    const replaced = await deploy(inputs("legacy", { "route-path": "/new" }));
    assert.match(
      replaced.stdout,
      /Replacing the deployment's JWT_AUTHENTICATION policy with TOKEN_AUTHENTICATION/,
    );
    const auth = (storedSpec(legacy).requestPolicies as Json).authentication as Json;
    assert.equal(auth.type, "TOKEN_AUTHENTICATION");
  });
});

// Another run writing the same deployment between a run's read and its write (a 412 from the emulator's
// own if-match check, or a 409 from its path-prefix conflict check): every route written must survive.
// Runs racing for real: R3 (reliability/r3-concurrency).
describe("gateway-deploy under concurrent writers", () => {
  it("a create that loses to another run's create (409) updates the winner's deployment", async () => {
    let winner: string | undefined;
    // The other run's create lands between this run's lookup and its own create.
    const removeWriter = oci.stack.oci.faults.add((target) => {
      if (target.operation !== "CreateDeployment") return undefined;
      removeWriter();
      winner = othersDeployment("late", { requestPolicies: {}, routes: [fnRoute("/theirs", fnOther)] });
      return undefined;
    });
    const run = await deploy(inputs("late", { "route-path": "/mine" }));
    assert.equal(run.outputs["deployment-id"], winner);
    const creates = oci.stack.oci.requests.filter((e) => e.operation === "CreateDeployment").at(-1);
    assert.equal(creates?.status, 409);
    assert.deepEqual(gw.routesOf(winner), ["GET /theirs -> other", "GET /mine -> hello"]);
  });

  it("an update that loses a race (412) re-reads, merges again and keeps the other writer's route", async () => {
    const first = await deploy(inputs("raced", { "route-path": "/mine" }));
    const id = first.outputs["deployment-id"];
    const record = oci.stack.oci.state.apigw.deployments.get(id ?? "");
    assert.ok(record);
    // Another writer changes the deployment between this run's read and its write: the etag the
    // run sends no longer matches, so the emulator's own if-match check answers 412.
    const removeWriter = oci.stack.oci.faults.add((target) => {
      if (target.operation !== "UpdateDeployment") return undefined;
      removeWriter();
      (record.specification.routes as Json[]).push(fnRoute("/theirs", fnOther));
      return undefined;
    });
    const updatesBefore = oci.stack.oci.requests.filter((e) => e.operation === "UpdateDeployment").length;
    const second = await deploy(inputs("raced", { "route-path": "/mine2" }));
    assert.match(second.stdout, /re-read and merged again \(1x\)/);
    const updates = oci.stack.oci.requests
      .filter((e) => e.operation === "UpdateDeployment")
      .slice(updatesBefore);
    assert.deepEqual(
      updates.map((e) => e.status),
      [412, 202],
    );
    assert.deepEqual(gw.routesOf(id), ["GET /mine -> hello", "GET /theirs -> other", "GET /mine2 -> hello"]);
  });
});
