// A new Cloud Run service has no previous revision to keep the traffic on, so its first revision serves
// as soon as it is ready. Under verify-then-promote, when that revision fails the smoke test the service
// this run created is deleted (cloud-run-rollout-build.test.ts proves it with real builds). When the
// deletion fails, the one error line says what is live and what to do, and rolled-back stays false;
// direct keeps today's behaviour (nothing is deleted).
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import {
  type CloudRunFixture,
  errorsOf,
  PROJECT,
  REGION,
  startCloudRunFixture,
} from "./emulators/gcp/fixture.ts";

const PIPELINE = "cloud-run-pipeline";

let fx: CloudRunFixture;
before(async () => {
  fx = await startCloudRunFixture();
});
after(async () => {
  await fx?.close();
});

const nameOf = (service: string) => `projects/${PROJECT}/locations/${REGION}/services/${service}`;

/** The emulator's own hello function answers "Hello World!": expecting "Goodbye" fails the smoke test. */
function failingInputs(service: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...fx.deployInputs(service),
    "invoker-service-account": fx.caller.email,
    "expect-body": "Goodbye",
    ...overrides,
  };
}

it("the failed first revision's service cannot be deleted: one line says it is live and how to remove it", async () => {
  const service = "first-undeletable";
  const path = `/v2/${nameOf(service)}`;
  const { state } = fx.stack.gcp;
  // Fault targets are paths, and GET and DELETE share this one: the deploy reads the service twice (404
  // before it exists, 200 once deployed); the call on it after that is the deletion. A deployer whose
  // role lacks run.services.delete gets exactly this 403.
  const deployedRead = () =>
    state.requests.some((r) => r.method === "GET" && r.status === 200 && r.path.split("?")[0] === path);
  const removeFault = state.faults.add((target) =>
    target === path && deployedRead() ? { status: 403 } : undefined,
  );
  await using job = await fx.job();
  const run = await job.run(PIPELINE, { inputs: failingInputs(service) }).finally(removeFault);
  assert.equal(run.exitCode, 1, run.stdout);
  const deletes = state.requests.filter((r) => r.method === "DELETE" && r.path.split("?")[0] === path);
  assert.deepEqual(
    deletes.map((r) => r.status),
    [403],
    "one deletion, refused (403 is not retried)",
  );
  const revision = run.outputs.revision ?? "";
  assert.match(revision, new RegExp(`^${service}-`));
  const errors = errorsOf(run);
  assert.equal(errors.length, 1, run.stdout);
  const own = `Revision ${revision} failed the smoke test and is LIVE: it is the first revision of a service this run created, and deleting the service failed (${fx.deployer.email} may not delete service ${service} in project ${PROJECT} (Injected fault.): grant it roles/run.admin on the project (or roles/run.developer and roles/iam.serviceAccountUser on the runtime service account), and check project is the project ID), so it serves all traffic at ${run.outputs.url}: delete the service (gcloud run services delete ${service} --region ${REGION} --project ${PROJECT}) or deploy a fixed build before callers rely on it.`;
  assert.equal(errors[0]?.slice(0, own.length + 1), `${own} `, errors[0]);
  assert.match(errors[0]?.slice(own.length + 1) ?? "", /^smoke test failed, 1 of 5 checks: with token /);
  assert.ok(state.services.has(nameOf(service)), "the service is still there, as the line says");
  assert.equal(run.outputs.promoted, "false");
  assert.equal(run.outputs["rolled-back"], "false", "the failed revision serves: nothing was rolled back");
  assert.equal(run.outputs.traffic, `${revision}=100`);
});

it("direct keeps today's behaviour: a new service whose smoke test fails is left as deployed", async () => {
  const service = "first-direct";
  await using job = await fx.job();
  const run = await job.run(PIPELINE, { inputs: failingInputs(service, { rollout: "direct" }) });
  assert.equal(run.exitCode, 1, run.stdout);
  const errors = errorsOf(run);
  assert.equal(errors.length, 1, run.stdout);
  assert.match(errors[0] ?? "", /^smoke test failed, 1 of 5 checks: with token /);
  assert.ok(fx.stack.gcp.state.services.has(nameOf(service)), "nothing was deleted");
  assert.equal(
    fx.stack.gcp.state.requests.filter(
      (r) => r.method === "DELETE" && r.path.includes(`/services/${service}`),
    ).length,
    0,
    "no deletion was asked for",
  );
  assert.equal(run.outputs["rolled-back"], "false");
});
