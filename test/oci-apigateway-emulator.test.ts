// The API Gateway control plane of the OCI emulator against the real oci-apigateway clients:
// deployments created and updated through work requests (ACCEPTED -> IN_PROGRESS -> SUCCEEDED or
// FAILED), lifecycle CREATING/UPDATING -> ACTIVE, etags and if-match, pagination. The emulator
// clock is moved forward instead of sleeping. Specification validation is in
// oci-apigateway-emulator-validation.test.ts, the data plane in oci-apigateway-emulator-gateway.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { models } from "oci-apigateway";
import * as common from "oci-common";
import { withServerDefaults } from "./emulators/oci/apigateway-server-defaults.ts";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { type ApiKeyIdentity, apiGatewayClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

const STEP_MS = 5_000;
const NO_RETRY = { retryConfiguration: common.NoRetryConfigurationDetails };

/** Drops the undefined members the SDK's deserialiser adds. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function stockSpec(body = "ok"): models.ApiSpecification {
  return {
    routes: [
      {
        path: "/hello",
        methods: [models.ApiSpecificationRoute.Methods.Get],
        backend: { type: "STOCK_RESPONSE_BACKEND", status: 200, body },
      },
    ],
  };
}

describe("OCI emulator: API Gateway control plane", () => {
  let stack: EmulatorStack;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;
  let gatewayId: string;
  let clockOffsetMs = 0;
  // One work request phase; stays well inside the 5-minute signature window.
  const step = () => {
    clockOffsetMs += STEP_MS;
  };
  const clients = () => apiGatewayClients(stack.endpoints.oci, me);

  before(async () => {
    stack = await startEmulatorStack({
      now: () => new Date(Date.now() + clockOffsetMs),
      apiGateway: { workRequestAcceptedMs: STEP_MS, workRequestInProgressMs: STEP_MS, propagationDelayMs: 0 },
    });
    trustCaInProcess(stack.caPem);
    ({ tenancy, me } = seedApiKeyCaller(stack.oci.state, "acme"));
    gatewayId = stack.oci.state.createGateway({ compartmentId: tenancy.id, displayName: "fngate-gw" }).id;
  });

  after(async () => {
    await stack?.close();
  });

  async function create(pathPrefix: string, displayName = `d${pathPrefix.replaceAll("/", "-")}`) {
    return clients().deployment.createDeployment({
      createDeploymentDetails: {
        gatewayId,
        compartmentId: tenancy.id,
        pathPrefix,
        displayName,
        specification: stockSpec(),
      },
    });
  }

  test("gateways read back with an OCI-shaped hostname", async () => {
    const { gateway } = clients();
    const got = (await gateway.getGateway({ gatewayId })).gateway;
    assert.equal(got.displayName, "fngate-gw");
    assert.equal(got.lifecycleState, "ACTIVE");
    assert.match(got.hostname ?? "", /^[a-z0-9]{26}\.apigateway\.us-phoenix-1\.oci\.customer-oci\.com$/);
    const listed = await gateway.listGateways({ compartmentId: tenancy.id });
    assert.ok(listed.gatewayCollection.items.some((item) => item.id === gatewayId));
    const other = seedApiKeyCaller(stack.oci.state);
    await rejectsWith(
      apiGatewayClients(stack.endpoints.oci, other.me).gateway.getGateway({ gatewayId }),
      404,
      "NotAuthorizedOrNotFound",
    );
  });

  test("out-of-process users seed gateways through the unsigned admin route", async () => {
    const response = await fetch(`${stack.endpoints.oci}/_emulator/oci/gateways`, {
      method: "POST",
      body: JSON.stringify({ compartmentId: tenancy.id, displayName: "seeded" }),
    });
    assert.equal(response.status, 200);
    const seeded = (await response.json()) as { id: string; hostname: string };
    const got = await clients().gateway.getGateway({ gatewayId: seeded.id });
    assert.equal(got.gateway.hostname, seeded.hostname);
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
    const { workRequests, deployment } = clients();
    const read = async () => (await workRequests.getWorkRequest({ workRequestId })).workRequest;

    let request = await read();
    assert.equal(request.status, "ACCEPTED");
    assert.equal(request.operationType, "CREATE_DEPLOYMENT");
    assert.equal(request.percentComplete, 0);
    assert.equal(request.resources[0]?.identifier, created.deployment.id);
    step();
    request = await read();
    assert.equal(request.status, "IN_PROGRESS");
    assert.ok(request.timeStarted);
    assert.equal(
      (await deployment.getDeployment({ deploymentId: created.deployment.id })).deployment.lifecycleState,
      "CREATING",
    );
    step();
    request = await read();
    assert.equal(request.status, "SUCCEEDED");
    assert.equal(request.percentComplete, 100);
    assert.equal(request.resources[0]?.actionType, "CREATED");
    assert.ok(request.timeFinished);
    const got = await deployment.getDeployment({ deploymentId: created.deployment.id });
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
    const details = { specification: stockSpec("v2") };
    await rejectsWith(
      deployment.updateDeployment({
        deploymentId,
        updateDeploymentDetails: details,
        ifMatch: created.etag,
        ...NO_RETRY,
      }),
      412,
      "PreconditionFailed",
    );
    const updated = await deployment.updateDeployment({
      deploymentId,
      updateDeploymentDetails: details,
      ifMatch: current.etag,
    });
    assert.ok(updated.opcWorkRequestId);
    const updating = await deployment.getDeployment({ deploymentId });
    assert.equal(updating.deployment.lifecycleState, "UPDATING");
    assert.deepEqual(plain(updating.deployment.specification), withServerDefaults(stockSpec("v2") as never));
    await rejectsWith(
      deployment.updateDeployment({
        deploymentId,
        updateDeploymentDetails: { displayName: "x" },
        ...NO_RETRY,
      }),
      409,
      "IncorrectState",
    );
    step();
    step();
    const request = await clients().workRequests.getWorkRequest({ workRequestId: updated.opcWorkRequestId });
    assert.equal(request.workRequest.operationType, "UPDATE_DEPLOYMENT");
    assert.equal(request.workRequest.status, "SUCCEEDED");
    assert.equal((await deployment.getDeployment({ deploymentId })).deployment.lifecycleState, "ACTIVE");
  });

  test("a work request a test fails ends FAILED with its errors listed", async () => {
    stack.oci.state.apigw.failNextWorkRequests(1, { code: "LimitExceeded", message: "too many deployments" });
    const created = await create("/failing");
    step();
    step();
    const { workRequests, deployment } = clients();
    const workRequestId = created.opcWorkRequestId;
    assert.equal((await workRequests.getWorkRequest({ workRequestId })).workRequest.status, "FAILED");
    const errors = (await workRequests.listWorkRequestErrors({ workRequestId })).workRequestErrorCollection
      .items;
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, "LimitExceeded");
    assert.equal(errors[0]?.message, "too many deployments");
    const got = (await deployment.getDeployment({ deploymentId: created.deployment.id })).deployment;
    assert.equal(got.lifecycleState, "FAILED");
    assert.equal(got.lifecycleDetails, "too many deployments");
  });

  test("deployments list in pages with opc-next-page; displayName and gatewayId filter exactly", async () => {
    const compartment = seedApiKeyCaller(stack.oci.state);
    const gateway = stack.oci.state.createGateway({ compartmentId: compartment.tenancy.id });
    const other = stack.oci.state.createGateway({ compartmentId: compartment.tenancy.id });
    const { deployment } = apiGatewayClients(stack.endpoints.oci, compartment.me);
    for (let n = 1; n <= 5; n += 1) {
      await deployment.createDeployment({
        createDeploymentDetails: {
          gatewayId: n === 5 ? other.id : gateway.id,
          compartmentId: compartment.tenancy.id,
          pathPrefix: `/p${n}`,
          displayName: n === 2 ? "api-2" : `api-${n}0`,
          specification: stockSpec(),
        },
      });
    }
    const names: string[] = [];
    let page: string | undefined;
    let pages = 0;
    do {
      const response = await deployment.listDeployments({
        compartmentId: compartment.tenancy.id,
        limit: 2,
        sortBy: "displayName" as never,
        ...(page ? { page } : {}),
      });
      pages += 1;
      names.push(...response.deploymentCollection.items.map((item) => item.displayName ?? ""));
      page = response.opcNextPage;
    } while (page && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(names, ["api-10", "api-2", "api-30", "api-40", "api-50"]);
    const exact = await deployment.listDeployments({
      compartmentId: compartment.tenancy.id,
      displayName: "api-2",
    });
    assert.deepEqual(
      exact.deploymentCollection.items.map((item) => item.pathPrefix),
      ["/p2"],
    );
    const onOther = await deployment.listDeployments({
      compartmentId: compartment.tenancy.id,
      gatewayId: other.id,
    });
    assert.deepEqual(
      onOther.deploymentCollection.items.map((item) => item.pathPrefix),
      ["/p5"],
    );
  });

  test("a path prefix is unique per gateway (409), and endpoints name the gateway host", async () => {
    await create("/unique");
    await rejectsWith(create("/unique", "again"), 409, "Conflict", /\/unique/);
    const listed = await clients().deployment.listDeployments({
      compartmentId: tenancy.id,
      displayName: "d-unique",
    });
    const endpoint = listed.deploymentCollection.items[0]?.endpoint ?? "";
    const hostname = stack.oci.state.apigw.gateways.get(gatewayId)?.hostname ?? "";
    // The stack attaches the data plane, which serves each gateway under the first label of its host.
    assert.equal(endpoint, `${stack.gateway.url}/${hostname.split(".")[0]}/unique`);
  });
});
