// rollout: direct after a verified rollout. verify-then-promote leaves the traffic pinned by revision name
// (type REVISION), and Cloud Run gives a new revision no traffic while it is pinned
// (https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration). direct means "the new revision
// serves once ready", so the deploy sends the traffic back to LATEST; otherwise the old revision would
// keep serving and the pipeline's smoke test would verify it instead of this run's. In process for the
// decisions, then through the built pipeline against the Google emulator, whose revisions answer with
// their own image's function.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { planRollout } from "../src/steps/cloud-run-rollout.ts";
import {
  type CloudRunFixture,
  IMAGE,
  PROJECT,
  REGION,
  startCloudRunFixture,
} from "./emulators/gcp/fixture.ts";
import { stepPassed } from "./support/passed.ts";

const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST";
const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";
const service = (traffic: object[], latest = "fn-00002-b") => ({
  latestReadyRevision: `projects/p/locations/r/services/fn/revisions/${latest}`,
  traffic,
});
const direct = { mode: "direct" as const, tag: "candidate", traffic: 100 };

describe("planRollout, direct, with the traffic pinned", () => {
  it("a new revision: the traffic goes back to LATEST, every tag kept on its revision with none", () => {
    const pinned = service([
      { type: REVISION, revision: "fn-00002-b", percent: 100 },
      { type: REVISION, revision: "fn-00001-a", percent: 0, tag: "old" },
    ]);
    assert.deepEqual(planRollout(pinned, ["image"], direct, "fn"), {
      revisionName: "",
      previous: "fn-00002-b",
      traffic: [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: "fn-00001-a", percent: 0, tag: "old" },
      ],
      change: "traffic (pinned to fn-00002-b=100, now to the latest revision)",
    });
  });

  it("nothing new, a canary left at 10%: the latest revision gets it all, a traffic-only change", () => {
    const canary = service([
      { type: REVISION, revision: "fn-00001-a", percent: 90 },
      { type: REVISION, revision: "fn-00002-b", percent: 10, tag: "candidate" },
    ]);
    assert.deepEqual(planRollout(canary, [], direct, "fn"), {
      previous: "fn-00001-a",
      traffic: [
        { type: LATEST, percent: 100 },
        { type: REVISION, revision: "fn-00002-b", percent: 0, tag: "candidate" },
      ],
      change: "traffic (pinned to fn-00001-a=90,fn-00002-b=10, now to the latest revision)",
    });
  });

  it("nothing new and the latest revision serving it all (pinned or not): nothing to send", () => {
    const pinnedToLatest = service([{ type: REVISION, revision: "fn-00002-b", percent: 100 }]);
    assert.deepEqual(planRollout(pinnedToLatest, [], direct, "fn"), { previous: "fn-00002-b" });
    assert.deepEqual(planRollout(service([{ type: LATEST, percent: 100 }]), [], undefined, "fn"), {
      previous: "fn-00002-b",
    });
  });

  it("traffic that follows LATEST (or no block) is left as it is", () => {
    for (const traffic of [[], [{ type: LATEST, percent: 100 }]]) {
      assert.deepEqual(planRollout(service(traffic), ["image"], undefined, "fn"), {
        revisionName: "",
        previous: "fn-00002-b",
      });
    }
  });
});

describe("cloud-run-pipeline: rollout direct after verify-then-promote", () => {
  const NEXT = `${REGION}-docker.pkg.dev/${PROJECT}/functions/hello-http:direct`;
  let fx: CloudRunFixture;
  before(async () => {
    fx = await startCloudRunFixture();
    fx.stack.gcp.addImage(NEXT);
    fx.stack.gcp.state.imageCode.set(NEXT, () => ({ status: 200, body: "served by the direct deploy" }));
  });
  after(async () => {
    await fx?.close();
  });

  it("the new revision serves and is what the smoke test verified; a re-run changes nothing", async () => {
    const name = "verified-then-direct";
    const inputs = (overrides: Record<string, string>) => ({
      ...fx.deployInputs(name),
      "invoker-service-account": fx.caller.email,
      ...overrides,
    });
    const stored = () =>
      fx.stack.gcp.state.services.get(`projects/${PROJECT}/locations/${REGION}/services/${name}`);
    await using job = await fx.job();
    await stepPassed(job, "cloud-run-pipeline", inputs({ image: IMAGE, "expect-body": "Hello World!" }));
    const [verified] = (stored()?.revisionList ?? []).map((revision) => revision.name);
    assert.deepEqual(stored()?.body.traffic, [{ type: REVISION, revision: verified, percent: 100 }]);

    const directInputs = inputs({
      image: NEXT,
      rollout: "direct",
      "expect-body": "served by the direct deploy",
    });
    const run = await stepPassed(job, "cloud-run-pipeline", directInputs);
    const next = run.outputs.revision ?? "";
    assert.notEqual(next, verified);
    assert.equal(run.outputs.traffic, `${next}=100`);
    assert.equal(run.outputs["previous-revision"], verified);
    assert.equal(run.outputs.passed, "true", "the smoke test's expect-body is the new revision's answer");
    assert.match(
      run.stdout,
      new RegExp(`traffic \\(pinned to ${verified}=100, now to the latest revision\\)`),
    );
    assert.deepEqual(stored()?.body.traffic, [{ type: LATEST, percent: 100 }]);

    const before = fx.mutatingCalls();
    const again = await stepPassed(job, "cloud-run-pipeline", directInputs);
    assert.equal(again.outputs.changed, "false");
    assert.equal(fx.mutatingCalls(), before, "a re-run makes no mutating call");
  });
});
