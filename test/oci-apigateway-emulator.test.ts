// The API Gateway control plane of the OCI emulator against the real oci-apigateway clients:
// deployments created and updated through work requests (ACCEPTED -> IN_PROGRESS -> SUCCEEDED or
// FAILED), lifecycle CREATING/UPDATING -> ACTIVE, etags and if-match (pagination and exact filters:
// oci-list-pages.test.ts); and the
// specifications it refuses, each a 400 InvalidParameter naming the field as OCI answers, so a step
// that builds a wrong spec fails here the way it would against Oracle Cloud. The emulator clock is
// moved forward instead of sleeping. The data plane is in oci-apigateway-emulator-gateway.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { models } from "oci-apigateway";
import { withServerDefaults } from "./emulators/oci/apigateway-server-defaults.ts";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { apiGatewayClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import { NO_RETRY, type OciSdkWorld, startOciSdkWorld } from "./support/oci-sdk-world.ts";

const STEP_MS = 5_000;
const STOCK = { type: "STOCK_RESPONSE_BACKEND", status: 200, body: "ok" };
const JWKS = { type: "REMOTE_JWKS", uri: "https://login.example.test/keys", maxCacheDurationInHours: 1 };

/** Drops the undefined members the SDK's deserialiser adds. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function stockSpec(body = "ok"): models.ApiSpecification {
  const methods = [models.ApiSpecificationRoute.Methods.Get];
  return { routes: [{ path: "/hello", methods, backend: { ...STOCK, body } }] };
}

function tokenAuth(overrides: Record<string, unknown> = {}) {
  return {
    type: "TOKEN_AUTHENTICATION",
    tokenHeader: "Authorization",
    tokenAuthScheme: "Bearer",
    validationPolicy: { ...JWKS, additionalValidationPolicy: { audiences: ["api://fngate"] } },
    ...overrides,
  };
}

function withAuth(authentication: unknown, route: Record<string, unknown> = {}) {
  return { requestPolicies: { authentication }, routes: [{ path: "/hello", backend: STOCK, ...route }] };
}

const hello = (route: Record<string, unknown>) => ({ routes: [{ path: "/hello", ...route }] });
const FN_BACKEND = { type: "ORACLE_FUNCTIONS_BACKEND", functionId: "ocid1.fnfunc.oc1.phx.aaaaaaaanothere" };
const JWT_AUTH = { type: "JWT_AUTHENTICATION", tokenHeader: "Authorization", tokenAuthScheme: "Bearer" };

// name: the specification, the message naming the field, and the path prefix when not /v1.
const CASES: Record<string, [unknown, RegExp, string?]> = {
  "a path prefix without a leading slash": [{}, /pathPrefix must start with "\/"/, "v1"],
  "a route path without a leading slash": [
    { routes: [{ path: "hello", backend: STOCK }] },
    /routes\[0\]\.path must start with "\/"/,
  ],
  "an unknown method": [
    hello({ methods: ["FETCH"], backend: STOCK }),
    /routes\[0\]\.methods\[0\] must be one of/,
  ],
  "a route without a backend": [hello({}), /routes\[0\]\.backend is required/],
  "an unknown backend type": [
    hello({ backend: { type: "LAMBDA_BACKEND" } }),
    /routes\[0\]\.backend\.type "LAMBDA_BACKEND" must be one of/,
  ],
  "a function backend naming no function": [
    hello({ backend: FN_BACKEND }),
    /routes\[0\]\.backend\.functionId .* is not a function you can access/,
  ],
  "token authentication with neither tokenHeader nor tokenQueryParam": [
    withAuth(tokenAuth({ tokenHeader: undefined, tokenAuthScheme: undefined })),
    /authentication needs exactly one of tokenHeader and tokenQueryParam/,
  ],
  "tokenHeader without tokenAuthScheme": [
    withAuth(tokenAuth({ tokenAuthScheme: undefined })),
    /authentication\.tokenAuthScheme is required with tokenHeader/,
  ],
  "a JWKS uri that is not https": [
    withAuth(tokenAuth({ validationPolicy: { ...JWKS, uri: "http://login.example.test/keys" } })),
    /validationPolicy\.uri must be an https URL/,
  ],
  "a JWKS cache duration over 24 hours": [
    withAuth(tokenAuth({ validationPolicy: { ...JWKS, maxCacheDurationInHours: 48 } })),
    /maxCacheDurationInHours must be between 1 and 24/,
  ],
  "isAnonymousAccessAllowed that is not a boolean": [
    withAuth(tokenAuth({ isAnonymousAccessAllowed: "yes" })),
    /authentication\.isAnonymousAccessAllowed must be a boolean/,
  ],
  "JWT authentication with an empty issuers list": [
    withAuth({ ...JWT_AUTH, issuers: [], audiences: ["api://fngate"], publicKeys: JWKS }),
    /authentication\.issuers must be a non-empty list/,
  ],
  "an ANONYMOUS route where anonymous access is not allowed": [
    withAuth(tokenAuth(), { requestPolicies: { authorization: { type: "ANONYMOUS" } } }),
    /authorization\.type ANONYMOUS needs isAnonymousAccessAllowed/,
  ],
  "ANY_OF without scopes": [
    withAuth(tokenAuth(), { requestPolicies: { authorization: { type: "ANY_OF", allowedScope: [] } } }),
    /authorization\.allowedScope must be a non-empty list/,
  ],
};

describe("OCI emulator: API Gateway control plane", () => {
  let w: OciSdkWorld;
  let gatewayId: string;
  // One work request phase; stays well inside the 5-minute signature window.
  const step = () => w.later(STEP_MS);
  const clients = () => apiGatewayClients(w.url, w.me);

  before(async () => {
    w = await startOciSdkWorld({
      apiGateway: { workRequestAcceptedMs: STEP_MS, workRequestInProgressMs: STEP_MS, propagationDelayMs: 0 },
    });
    gatewayId = w.stack.oci.state.apigw.createGateway({
      compartmentId: w.tenancy.id,
      displayName: "fngate-gw",
    }).id;
  });
  after(() => w?.close());

  const create = (pathPrefix: string, displayName = `d${pathPrefix.replaceAll("/", "-")}`) =>
    clients().deployment.createDeployment({
      createDeploymentDetails: {
        gatewayId,
        compartmentId: w.tenancy.id,
        pathPrefix,
        displayName,
        specification: stockSpec(),
      },
    });

  test("gateways read back with an OCI-shaped hostname", async () => {
    const { gateway } = clients();
    const got = (await gateway.getGateway({ gatewayId })).gateway;
    assert.equal(got.displayName, "fngate-gw");
    assert.equal(got.lifecycleState, "ACTIVE");
    assert.match(got.hostname ?? "", /^[a-z0-9]{26}\.apigateway\.us-phoenix-1\.oci\.customer-oci\.com$/);
    const other = apiGatewayClients(w.url, seedApiKeyCaller(w.stack.oci.state).me);
    await rejectsWith(other.gateway.getGateway({ gatewayId }), 404, "NotAuthorizedOrNotFound");
  });

  test("create runs a work request ACCEPTED -> IN_PROGRESS -> SUCCEEDED; the deployment turns ACTIVE", async () => {
    const created = await create("/v1");
    assert.ok(created.opcWorkRequestId, "opc-work-request-id is returned");
    assert.ok(created.etag);
    assert.equal(created.deployment.lifecycleState, "CREATING");
    assert.equal(created.deployment.pathPrefix, "/v1");
    // Echoed with the defaults API Gateway fills in (apigateway-server-defaults.ts).
    assert.deepEqual(plain(created.deployment.specification), withServerDefaults(stockSpec() as never));
    const workRequestId = created.opcWorkRequestId;
    const deploymentId = created.deployment.id;
    const { workRequests, deployment } = clients();
    const read = async () => (await workRequests.getWorkRequest({ workRequestId })).workRequest;
    const state = async () => (await deployment.getDeployment({ deploymentId })).deployment.lifecycleState;

    let request = await read();
    assert.deepEqual(
      [request.status, request.operationType, request.percentComplete, request.resources[0]?.identifier],
      ["ACCEPTED", "CREATE_DEPLOYMENT", 0, deploymentId],
    );
    step();
    request = await read();
    assert.equal(request.status, "IN_PROGRESS");
    assert.ok(request.timeStarted);
    assert.equal(await state(), "CREATING");
    step();
    request = await read();
    assert.deepEqual(
      [request.status, request.percentComplete, request.resources[0]?.actionType],
      ["SUCCEEDED", 100, "CREATED"],
    );
    assert.ok(request.timeFinished);
    const got = await deployment.getDeployment({ deploymentId });
    assert.equal(got.deployment.lifecycleState, "ACTIVE");
    assert.notEqual(got.etag, created.etag, "a lifecycle change changes the etag");
    const errors = await workRequests.listWorkRequestErrors({ workRequestId });
    assert.deepEqual(errors.workRequestErrorCollection.items, []);
  });

  test("update needs a current if-match: a stale etag is 412, and an UPDATING deployment is 409", async () => {
    const created = await create("/v2");
    step();
    step();
    const { deployment } = clients();
    const deploymentId = created.deployment.id;
    const current = await deployment.getDeployment({ deploymentId });
    assert.equal(current.deployment.lifecycleState, "ACTIVE");
    const update = (updateDeploymentDetails: models.UpdateDeploymentDetails, extra: object) =>
      deployment.updateDeployment({ deploymentId, updateDeploymentDetails, ...extra });
    const details = { specification: stockSpec("v2") };
    await rejectsWith(update(details, { ifMatch: created.etag, ...NO_RETRY }), 412, "PreconditionFailed");
    const updated = await update(details, { ifMatch: current.etag });
    assert.ok(updated.opcWorkRequestId);
    const updating = await deployment.getDeployment({ deploymentId });
    assert.equal(updating.deployment.lifecycleState, "UPDATING");
    assert.deepEqual(plain(updating.deployment.specification), withServerDefaults(stockSpec("v2") as never));
    await rejectsWith(update({ displayName: "x" }, NO_RETRY), 409, "IncorrectState");
    step();
    step();
    const request = await clients().workRequests.getWorkRequest({ workRequestId: updated.opcWorkRequestId });
    assert.equal(request.workRequest.operationType, "UPDATE_DEPLOYMENT");
    assert.equal(request.workRequest.status, "SUCCEEDED");
    assert.equal((await deployment.getDeployment({ deploymentId })).deployment.lifecycleState, "ACTIVE");
  });

  test("a work request a test fails ends FAILED with its errors listed", async () => {
    w.stack.oci.state.apigw.failNextWorkRequests(1, {
      code: "LimitExceeded",
      message: "too many deployments",
    });
    const created = await create("/failing");
    step();
    step();
    const { workRequests, deployment } = clients();
    const workRequestId = created.opcWorkRequestId;
    assert.equal((await workRequests.getWorkRequest({ workRequestId })).workRequest.status, "FAILED");
    const errors = (await workRequests.listWorkRequestErrors({ workRequestId })).workRequestErrorCollection;
    assert.deepEqual(
      errors.items.map((error) => [error.code, error.message]),
      [["LimitExceeded", "too many deployments"]],
    );
    const got = (await deployment.getDeployment({ deploymentId: created.deployment.id })).deployment;
    assert.equal(got.lifecycleState, "FAILED");
    assert.equal(got.lifecycleDetails, "too many deployments");
  });

  test("a path prefix is unique per gateway (409), and endpoints name the gateway host", async () => {
    await create("/unique");
    await rejectsWith(create("/unique", "again"), 409, "Conflict", /\/unique/);
    const listed = await clients().deployment.listDeployments({
      compartmentId: w.tenancy.id,
      displayName: "d-unique",
    });
    const endpoint = listed.deploymentCollection.items[0]?.endpoint ?? "";
    const hostname = w.stack.oci.state.apigw.gateways.get(gatewayId)?.hostname ?? "";
    // The stack attaches the data plane, which serves each gateway under the first label of its host.
    assert.equal(endpoint, `${w.stack.gateway.url}/${hostname.split(".")[0]}/unique`);
  });

  describe("specification validation", () => {
    // A tenancy of its own, so the last test sees only what these refused calls left behind.
    let refused: ReturnType<typeof seedApiKeyCaller>;
    let refusedGateway: string;
    before(() => {
      refused = seedApiKeyCaller(w.stack.oci.state);
      refusedGateway = w.stack.oci.state.apigw.createGateway({ compartmentId: refused.tenancy.id }).id;
    });
    const createIn = (pathPrefix: string, specification: unknown, gateway = refusedGateway) =>
      apiGatewayClients(w.url, refused.me).deployment.createDeployment({
        createDeploymentDetails: {
          gatewayId: gateway,
          compartmentId: refused.tenancy.id,
          pathPrefix,
          specification: specification as never,
        },
        ...NO_RETRY,
      });

    for (const [name, [specification, message, pathPrefix]] of Object.entries(CASES)) {
      test(`refuses ${name}`, async () => {
        await rejectsWith(createIn(pathPrefix ?? "/v1", specification), 400, "InvalidParameter", message);
      });
    }

    test("an unknown gateway is 404, and nothing was created by the refused calls", async () => {
      const unknown = createIn("/v1", { routes: [] }, "ocid1.apigateway.oc1.phx.aaaaaaaanothere");
      await rejectsWith(unknown, 404, "NotAuthorizedOrNotFound");
      const { deployment } = apiGatewayClients(w.url, refused.me);
      const listed = await deployment.listDeployments({ compartmentId: refused.tenancy.id });
      assert.deepEqual(listed.deploymentCollection.items, [], "a refused create left a deployment");
    });
  });
});
