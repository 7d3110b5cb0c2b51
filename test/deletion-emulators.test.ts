// The delete calls the emulators answer for teardown hold to the clouds' rules, seen through the real
// OCI SDK and Cloud Run's REST API: if-match and lifecycle states on OCI, deleted resources still
// listed, etags and label rules on Cloud Run (Function Compute's: fc-emulator-triggers-versions.test.ts).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { apiGatewayClients, functionsClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import { NO_RETRY, type OciSdkWorld, startOciSdkWorld } from "./support/oci-sdk-world.ts";

let w: OciSdkWorld;
// Transitions last 30 s of emulator time; the tests move the clock instead of waiting.
const later = (ms: number) => w.later(ms);
before(async () => {
  w = await startOciSdkWorld({
    functionActiveDelayMs: 30_000,
    apiGateway: { workRequestAcceptedMs: 10_000, workRequestInProgressMs: 20_000 },
  });
});
after(() => w?.close());

describe("OCI emulator: deletes", () => {
  test("DeleteFunction: if-match, not while CREATING, DELETING then DELETED (still readable), name free again", async () => {
    const { tenancy, me } = seedApiKeyCaller(w.stack.oci.state);
    const { state } = w.stack.oci;
    const applicationId = state.fn.createApplication({ compartmentId: tenancy.id, displayName: "app" }).id;
    const image = `ocir.us-phoenix-1.oci.oraclecloud.com/${tenancy.namespace}/x@sha256:${"b".repeat(64)}`;
    const fn = state.fn.createFunction({ applicationId, displayName: "fn", image, memoryInMBs: 256 });
    const { management } = functionsClients(w.url, me);
    // No SDK retries: the SDK retries 409 IncorrectState, which would wait until the function settled.
    const remove = (ifMatch?: string) =>
      management.deleteFunction({ functionId: fn.id, ...(ifMatch ? { ifMatch } : {}), ...NO_RETRY });
    const lifecycle = async () =>
      (await management.getFunction({ functionId: fn.id })).function.lifecycleState;
    await rejectsWith(remove(), 409, "IncorrectState", /CREATING/);
    later(31_000);
    const { etag } = await management.getFunction({ functionId: fn.id });
    await rejectsWith(remove("stale"), 412, "PreconditionFailed");
    await remove(etag);
    assert.equal(await lifecycle(), "DELETING");
    later(31_000);
    assert.equal(await lifecycle(), "DELETED");
    const listed = (await management.listFunctions({ applicationId })).items;
    assert.deepEqual(
      listed.map((item) => item.lifecycleState),
      ["DELETED"],
    );
    await rejectsWith(remove(), 404, "NotAuthorizedOrNotFound");
    const again = state.fn.createFunction({ applicationId, displayName: "fn", image, memoryInMBs: 256 });
    assert.notEqual(again.id, fn.id);
  });

  test("DeleteDeployment: if-match, a DELETE_DEPLOYMENT work request, then DELETED, listed and no longer served", async () => {
    const { tenancy, me } = seedApiKeyCaller(w.stack.oci.state);
    const gatewayId = w.stack.oci.state.apigw.createGateway({ compartmentId: tenancy.id }).id;
    const { deployment, workRequests } = apiGatewayClients(w.url, me);
    const create = (routes: unknown[]) =>
      deployment.createDeployment({
        createDeploymentDetails: {
          gatewayId,
          compartmentId: tenancy.id,
          pathPrefix: "/gone",
          specification: { routes: routes as never },
        },
      });
    const created = await create([
      { path: "/", backend: { type: "STOCK_RESPONSE_BACKEND", status: 200, body: "ok" } },
    ]);
    const deploymentId = created.deployment.id;
    const remove = (ifMatch?: string) =>
      deployment.deleteDeployment({ deploymentId, ...(ifMatch ? { ifMatch } : {}), ...NO_RETRY });
    const lifecycle = async () =>
      (await deployment.getDeployment({ deploymentId })).deployment.lifecycleState;
    await rejectsWith(remove(), 409, "IncorrectState", /CREATING/);
    later(31_000);
    const record = w.stack.oci.state.apigw.deployments.get(deploymentId);
    assert.ok(record && w.stack.oci.state.apigw.servedSpec(record), "served while ACTIVE");
    await rejectsWith(remove("stale"), 412, "PreconditionFailed");
    const { etag } = await deployment.getDeployment({ deploymentId });
    const workRequestId = (await remove(etag)).opcWorkRequestId;
    assert.ok(workRequestId);
    assert.equal(await lifecycle(), "DELETING");
    later(31_000);
    const request = (await workRequests.getWorkRequest({ workRequestId })).workRequest;
    assert.deepEqual(
      [request.operationType, request.status, request.resources[0]?.actionType],
      ["DELETE_DEPLOYMENT", "SUCCEEDED", "DELETED"],
    );
    assert.equal(await lifecycle(), "DELETED");
    const listed = (await deployment.listDeployments({ compartmentId: tenancy.id })).deploymentCollection;
    assert.deepEqual(
      listed.items.map((item) => item.lifecycleState),
      ["DELETED"],
    );
    assert.equal(w.stack.oci.state.apigw.servedSpec(record), undefined, "no longer served");
    // Its path prefix can be used again.
    await create([]);
  });
});

/** The members of Cloud Run's answers these tests read: an error, a list page, a service, an operation. */
interface CloudRunAnswer {
  error?: { status: string };
  etag: string;
  name: string;
  done: boolean;
  response: { deleteTime?: string };
}

describe("Cloud Run emulator: list and delete", () => {
  const project = "deletions-1";
  const admin = "serviceAccount:admin@deletions-1.iam.gserviceaccount.com";
  const services = `projects/${project}/locations/us-central1/services`;
  let token = "";
  /** A Cloud Run Admin v2 call: its status and JSON body. */
  const api = async (path: string, init: RequestInit = {}) => {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const response = await fetch(`${w.stack.gcp.url}/v2/${path}`, { ...init, headers });
    return { status: response.status, json: (await response.json()) as CloudRunAnswer };
  };
  const create = (id: string, labels: Record<string, string>) =>
    api(`${services}/${id}?allowMissing=true`, {
      method: "PATCH",
      body: JSON.stringify({ labels, template: { containers: [{ image: "us-docker.pkg.dev/p/r/i:1" }] } }),
    });

  before(() => {
    w.stack.gcp.addProject(project);
    w.stack.gcp.addImage("us-docker.pkg.dev/p/r/i:1");
    w.stack.gcp.grantRunAdmin(project, admin);
    const account = { principal: admin, memberships: [], kind: "service-account" as const };
    token = w.stack.gcp.state.issueToken(account, 3600, Date.now());
  });

  test("labels follow Google's rules; Cloud Run's system namespaces are refused", async () => {
    const refused = [
      { Team: "a" },
      { team: "A" },
      { team: "a.b" },
      { "run.googleapis.com/x": "y" },
      { team: "x".repeat(64) },
    ];
    for (const labels of refused) {
      const answer = await create("bad-labels", labels);
      assert.deepEqual(
        [answer.status, answer.json.error?.status],
        [400, "INVALID_ARGUMENT"],
        JSON.stringify(labels),
      );
    }
    assert.equal((await create("good-labels", { "fngate-run": "123-1", team: "" })).status, 200);
  });

  // Pages followed by nextPageToken, and a delete with the listed etag followed to its end:
  // teardown-cloud-run.test.ts "... deletes only the run's services (across pages) and then finds none".
  test("a forged page token is refused; delete needs the current etag and answers an operation", async () => {
    assert.equal((await create("one", {})).status, 200);
    assert.equal((await api(`${services}?pageToken=forged`)).status, 400);
    const remove = (etag: string) =>
      api(`${services}/one?etag=${encodeURIComponent(etag)}`, { method: "DELETE" });
    const stale = await remove('"stale"');
    assert.deepEqual([stale.status, stale.json.error?.status], [409, "ABORTED"]);
    const current = (await api(`${services}/one`)).json;
    const deleted = await remove(current.etag);
    assert.equal(deleted.status, 200);
    const operation = deleted.json;
    assert.equal((await api(`${services}/one`)).status, 404);
    later(31_000);
    const done = (await api(operation.name)).json;
    assert.equal(done.done, true);
    assert.ok(done.response.deleteTime);
    assert.equal((await api(`${services}/one`, { method: "DELETE" })).status, 404);
  });
});
