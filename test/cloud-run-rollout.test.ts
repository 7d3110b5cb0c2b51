// Cloud Run rollout, verify-then-promote (the pipeline's default): the new revision is deployed with no
// traffic and a tag, the smoke test calls the tag's URL with an ID token for the service's URL, and only
// a revision that passes gets traffic (all of it, or a canary share). A revision whose function fails the
// smoke test never serves (cloud-run-rollout-build.test.ts, with real builds). A re-run of a promoted deploy changes nothing; a canary
// is finished by a re-run with traffic 100 and no new revision; direct after a verified rollout sends the
// traffic back to LATEST (it was pinned by revision name, which would keep the old revision serving); and
// cloud-run-deploy on its own chains deploy -> smoke-test -> promote.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type CloudRunFixture,
  IMAGE_V2,
  PROJECT,
  REGION,
  startCloudRunFixture,
} from "./emulators/gcp/fixture.ts";
import type { ServiceRecord } from "./emulators/gcp/state.ts";
import { assertUserFailure, type Job } from "./runner/index.ts";
import { stepPassed } from "./support/passed.ts";

const PIPELINE = "cloud-run-pipeline";

const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST";
const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";
// An image whose revision answers in its own words, so a smoke test shows which revision it reached.
const DIRECT_IMAGE = `${REGION}-docker.pkg.dev/${PROJECT}/functions/hello-http:direct`;
const DIRECT_BODY = "served by the direct deploy";

let fx: CloudRunFixture;
before(async () => {
  fx = await startCloudRunFixture();
  fx.stack.gcp.addImage(DIRECT_IMAGE);
  fx.stack.gcp.state.imageCode.set(DIRECT_IMAGE, () => ({ status: 200, body: DIRECT_BODY }));
});
after(async () => {
  await fx?.close();
});

const record = (service: string): ServiceRecord | undefined =>
  fx.stack.gcp.state.services.get(`projects/${PROJECT}/locations/${REGION}/services/${service}`);
const trafficOf = (service: string) => record(service)?.body.traffic as Record<string, unknown>[];
const revisionsOf = (service: string) =>
  (record(service)?.revisionList ?? []).map((revision) => revision.name);

function pipelineInputs(service: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...fx.deployInputs(service),
    "invoker-service-account": fx.caller.email,
    "expect-body": "Hello World!",
    ...overrides,
  };
}

/** An ID token of the caller (who holds roles/run.invoker) for the service's URL. */
async function callerToken(job: Job, audience: string): Promise<string> {
  const run = await stepPassed(job, "gcp-id-token", {
    audience,
    "workload-identity-provider": fx.provider,
    "service-account": fx.caller.email,
  });
  return run.outputs["id-token"] ?? "";
}

describe("cloud-run-pipeline: verify-then-promote", () => {
  it("a good build is promoted: smoke-tested on its tag, then given all the traffic, tag removed", async () => {
    await using job = await fx.job();
    const first = await stepPassed(job, PIPELINE, pipelineInputs("rollout-good"));
    const [rev1] = revisionsOf("rollout-good");
    // A new service has nothing to keep the traffic on: its first revision serves once verified.
    assert.equal(first.outputs.promoted, "true");
    assert.equal(first.outputs["previous-revision"], "");
    assert.equal(first.outputs.traffic, `${rev1}=100`);

    const second = await stepPassed(job, PIPELINE, pipelineInputs("rollout-good", { image: IMAGE_V2 }));
    const rev2 = second.outputs.revision ?? "";
    assert.deepEqual(revisionsOf("rollout-good"), [rev1, rev2]);
    assert.equal(second.outputs.promoted, "true");
    assert.equal(second.outputs["rolled-back"], "false");
    assert.equal(second.outputs["previous-revision"], rev1);
    assert.equal(second.outputs.traffic, `${rev2}=100`);
    assert.equal(second.outputs["tag-url"], "", "promoted: it serves on the main URL, its tag is gone");
    assert.equal(second.outputs.passed, "true");
    assert.match(second.stdout, new RegExp(`Traffic of rollout-good: ${rev1}=100 -> ${rev2}=100\\.`));
    assert.deepEqual(trafficOf("rollout-good"), [
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: rev2, percent: 100 },
    ]);
  });

  it("traffic 10 gives a 10/90 canary; a re-run with traffic 100 moves the rest with no new revision; then nothing changes", async () => {
    await using job = await fx.job();
    await stepPassed(job, PIPELINE, pipelineInputs("rollout-canary"));
    const [rev1] = revisionsOf("rollout-canary");
    const canary = await stepPassed(
      job,
      PIPELINE,
      pipelineInputs("rollout-canary", { image: IMAGE_V2, traffic: "10" }),
    );
    const rev2 = canary.outputs.revision ?? "";
    assert.equal(canary.outputs.traffic, `${rev1}=90,${rev2}=10`);
    assert.equal(canary.outputs.promoted, "true");
    const traffic = trafficOf("rollout-canary");
    assert.deepEqual(
      traffic.map(({ revision, percent }) => [revision, percent]),
      [
        [rev1, 90],
        [rev2, 10],
      ],
    );
    // The canary keeps its tag (and its URL) until it has all the traffic.
    assert.match(String(traffic[1]?.tag), /^[a-z][a-z0-9-]+$/);
    assert.match(canary.outputs["tag-url"] ?? "", /---rollout-canary-/);

    const full = await stepPassed(
      job,
      PIPELINE,
      pipelineInputs("rollout-canary", { image: IMAGE_V2, traffic: "100" }),
    );
    assert.deepEqual(revisionsOf("rollout-canary"), [rev1, rev2], "no new revision");
    assert.equal(full.outputs.traffic, `${rev2}=100`);
    assert.equal(full.outputs["previous-revision"], rev1);
    assert.equal(full.outputs.promoted, "true");

    const mutating = fx.mutatingCalls();
    const again = await stepPassed(job, PIPELINE, pipelineInputs("rollout-canary", { image: IMAGE_V2 }));
    assert.equal(fx.mutatingCalls(), mutating, "a re-run of a promoted deploy makes no mutating call");
    assert.equal(again.outputs.changed, "false");
    assert.equal(again.outputs.traffic, `${rev2}=100`);
    assert.equal(again.outputs.promoted, "true");
    assert.deepEqual(revisionsOf("rollout-canary"), [rev1, rev2]);
  });

  it("direct after a verified rollout unpins the traffic: the new revision serves and is what the smoke test verified; a re-run changes nothing", async () => {
    await using job = await fx.job();
    await stepPassed(job, PIPELINE, pipelineInputs("rollout-direct"));
    const [verified] = revisionsOf("rollout-direct");
    assert.deepEqual(trafficOf("rollout-direct"), [{ type: REVISION, revision: verified, percent: 100 }]);
    const direct = pipelineInputs("rollout-direct", {
      rollout: "direct",
      image: DIRECT_IMAGE,
      "expect-body": DIRECT_BODY,
    });
    const run = await stepPassed(job, PIPELINE, direct);
    const [, next] = revisionsOf("rollout-direct");
    assert.equal(run.outputs.revision, next);
    assert.equal(run.outputs.promoted, "true");
    assert.equal(run.outputs["previous-revision"], verified);
    assert.equal(run.outputs["tag-url"], "");
    assert.equal(run.outputs.traffic, `${next}=100`);
    assert.equal(run.outputs.passed, "true", "the smoke test's expect-body is the new revision's answer");
    assert.match(
      run.stdout,
      new RegExp(`traffic \\(pinned to ${verified}=100, now to the latest revision\\)`),
    );
    assert.deepEqual(trafficOf("rollout-direct"), [{ type: LATEST, percent: 100 }]);
    const before = fx.mutatingCalls();
    const again = await stepPassed(job, PIPELINE, direct);
    assert.equal(again.outputs.changed, "false");
    assert.equal(fx.mutatingCalls(), before, "a re-run makes no mutating call");
  });
});

describe("cloud-run-deploy on its own: deploy -> smoke-test -> promote", () => {
  it("deploys tagged with no traffic, a smoke-test step checks the tag URL, promote moves the traffic", async () => {
    await using job = await fx.job();
    await stepPassed(job, "cloud-run-deploy", fx.deployInputs("rollout-steps"));
    const [rev1] = revisionsOf("rollout-steps");
    const candidate = await stepPassed(
      job,
      "cloud-run-deploy",
      fx.deployInputs("rollout-steps", { image: IMAGE_V2, rollout: "verify-then-promote", tag: "next" }),
    );
    const rev2 = candidate.outputs.revision ?? "";
    const url = candidate.outputs.url ?? "";
    assert.equal(candidate.outputs.promoted, "false");
    assert.equal(candidate.outputs.traffic, `${rev1}=100`);
    assert.equal(candidate.outputs["tag-url"], url.replace("/rollout-steps-", "/next---rollout-steps-"));

    const token = await callerToken(job, url);
    const smoke = await stepPassed(job, "smoke-test", {
      url: candidate.outputs["tag-url"] ?? "",
      token,
      "expect-body": "Hello World!",
      "unauthorized-status": "401, 403",
    });
    assert.equal(smoke.outputs.passed, "true");

    const promoted = await stepPassed(
      job,
      "cloud-run-deploy",
      fx.deployInputs("rollout-steps", { image: IMAGE_V2, rollout: "promote", tag: "next" }),
    );
    assert.equal(promoted.outputs.revision, rev2);
    assert.equal(promoted.outputs.promoted, "true");
    assert.equal(promoted.outputs.traffic, `${rev2}=100`);
    assert.equal(promoted.outputs["previous-revision"], rev1);
    assert.deepEqual(revisionsOf("rollout-steps"), [rev1, rev2]);

    // traffic 0 deploys a candidate the same way (the first image again is a new revision).
    const zero = await stepPassed(
      job,
      "cloud-run-deploy",
      fx.deployInputs("rollout-steps", { traffic: "0", tag: "zero" }),
    );
    assert.equal(zero.outputs.promoted, "false");
    assert.equal(zero.outputs.traffic, `${rev2}=100`);
    assert.match(zero.outputs["tag-url"] ?? "", /\/zero---rollout-steps-/);
  });

  it("promote with no revision under the tag, or with no service, is refused", async () => {
    await using job = await fx.job();
    const mutating = fx.mutatingCalls();
    // rollout-steps, as the test above left it: its revisions carry no tag "other".
    const refused = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("rollout-steps", { rollout: "promote", tag: "other" }),
    });
    assertUserFailure(
      refused,
      `tag "other" is on no revision of service rollout-steps: deploy with rollout: verify-then-promote and the same tag first (or set tag to the one that deploy used).`,
    );
    assert.equal(fx.mutatingCalls(), mutating);
    const missing = await job.run("cloud-run-deploy", {
      inputs: fx.deployInputs("rollout-never-deployed", { rollout: "promote", tag: "next" }),
    });
    assertUserFailure(
      missing,
      `service rollout-never-deployed does not exist in ${REGION}: deploy it (rollout: verify-then-promote) before promoting a revision.`,
    );
    assert.equal(fx.mutatingCalls(), mutating);
  });
});
