// The root action's rollout on OCI, run as the runner runs it against every emulator, the real Docker
// engine and registry: a good deploy is promoted; a build that fails the smoke test (a real one, see
// test/support/broken-build.ts) is rolled back (the function's previous image by digest, the
// deployment's previous specification) and the previous API re-checked; a failed first deploy leaves
// nothing answering; `direct` leaves the bad build live. When the rollback itself cannot finish:
// pipeline-rollout-failures.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isMutating } from "./emulators/oci/request-log.ts";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { assertUserFailure } from "./runner/index.ts";
import {
  answer,
  assertNothingLeaked,
  BROKEN_BODY,
  breakTheBuild,
  deploymentRecord,
  functionRecord,
  pinnedImage,
  SMOKE_VERDICT,
} from "./support/broken-build.ts";

let fx: PipelineFixture;

before(async () => {
  fx = await startPipelineFixture("rollout");
});
after(async () => {
  await fx?.close();
});

const mutatingCalls = () => fx.oci.stack.oci.requests.filter(isMutating).length;

describe("rollout on OCI: verify, then promote or roll back", () => {
  it("a good deploy is promoted; a re-run of it changes nothing and still proves the API", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const inputs = fx.inputs("secret", "promote");
    const first = await job.run(PIPELINE, { inputs });
    assert.equal(first.exitCode, 0, first.stdout);
    assert.equal(first.outputs.promoted, "true");
    assert.equal(first.outputs["rolled-back"], "false");
    assert.equal(first.outputs["previous-image"], undefined, "a created function has no previous image");
    const before = mutatingCalls();
    const again = await job.run(PIPELINE, { inputs });
    assert.equal(again.exitCode, 0, again.stdout);
    assert.equal(mutatingCalls(), before, "mutating OCI calls on the re-run");
    assert.match(again.stdout, /already up to date/);
    assert.equal(again.outputs.passed, "true");
    assert.equal(again.outputs.promoted, "true");
    assert.equal(again.outputs["rolled-back"], "false");
    assert.equal(again.outputs["previous-image"], pinnedImage(first.outputs));
    assert.ok(again.outputs["previous-deployment-etag"], "the deployment's etag before the re-run");
    assertNothingLeaked(fx, [first, again, ...(await job.runPosts())]);
  });

  it("a build that fails the smoke test is rolled back: previous digest, previous spec, re-checked", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const inputs = fx.inputs("secret", "rollback");
    const good = await job.run(PIPELINE, { inputs });
    assert.equal(good.exitCode, 0, good.stdout);
    const functionId = good.outputs["function-id"];
    const deploymentId = good.outputs["deployment-id"];
    const goodImage = pinnedImage(good.outputs);
    const goodSpec = structuredClone(deploymentRecord(fx, deploymentId).specification);

    const broken = await breakTheBuild(fx, job.workspace, "rollback");
    // The bad run changes the deployment too (one more accepted audience): both must come back.
    const bad = await job.run(PIPELINE, {
      inputs: { ...inputs, ...broken, audiences: "api://my-oci-api, api://my-oci-api-next" },
    });
    const badImage = (bad.outputs.image ?? "").replace(/:[^/:]+$/, "");
    assert.match(badImage, /\/broken\/rollback$/);
    assertUserFailure(
      bad,
      `${SMOKE_VERDICT} Rolled back deployment rollback spec, function rollback image ${pinnedImage(bad.outputs)} -> ${goodImage}; the re-check passed: the previous API answers again.`,
      fx.secrets,
    );
    assert.equal(bad.outputs.promoted, "false");
    assert.equal(bad.outputs["rolled-back"], "true");
    assert.equal(bad.outputs["previous-image"], goodImage);
    assert.ok(bad.groups.includes("rollback"), "the rollback has its own log group");

    const fn = functionRecord(fx, functionId);
    assert.equal(fn.imageDigest, good.outputs.digest);
    assert.equal(fn.image, good.outputs.image);
    assert.equal(fn.lifecycleState, "ACTIVE");
    assert.deepEqual(deploymentRecord(fx, deploymentId).specification, goodSpec);
    assert.deepEqual(await answer(fx, good.outputs.url ?? ""), {
      status: 200,
      body: '{"message":"Hello World"}',
    });
    assertNothingLeaked(fx, [good, bad, ...(await job.runPosts())]);
  });

  it("a first deploy that fails removes what it created: no route answers, and the post step still cleans up", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const before = await job.snapshot();
    const broken = await breakTheBuild(fx, job.workspace, "first");
    const run = await job.run(PIPELINE, { inputs: { ...fx.inputs("secret", "first"), ...broken } });
    assertUserFailure(
      run,
      `${SMOKE_VERDICT} Removed what this run added: deployment first deleted (this run created it), function first deleted (this run created it); nothing of it is reachable.`,
      fx.secrets,
    );
    assert.equal(run.outputs.promoted, "false");
    assert.equal(run.outputs["rolled-back"], "true");
    assert.equal(deploymentRecord(fx, run.outputs["deployment-id"]).lifecycleState, "DELETED");
    const fn = fx.oci.stack.oci.state.fn.functions.get(run.outputs["function-id"] ?? "");
    assert.ok(fn === undefined || fn.lifecycleState === "DELETED", "the function this run created is gone");
    assert.equal((await answer(fx, run.outputs.url ?? "")).status, 404);
    assertNothingLeaked(fx, [run, ...(await job.runPosts())]);
    assert.deepEqual(await job.snapshot(), before, "HOME and RUNNER_TEMP are as before the job");
  });

  it("direct keeps today's behaviour: the bad build stays live and the step fails", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const inputs = { ...fx.inputs("secret", "direct"), rollout: "direct" };
    const good = await job.run(PIPELINE, { inputs });
    assert.equal(good.exitCode, 0, good.stdout);
    const bad = await job.run(PIPELINE, {
      inputs: { ...inputs, ...(await breakTheBuild(fx, job.workspace, "direct")) },
    });
    assertUserFailure(bad, `${SMOKE_VERDICT}`, fx.secrets);
    assert.equal(bad.outputs.promoted, "false");
    assert.equal(bad.outputs["rolled-back"], "false");
    assert.ok(!bad.groups.includes("rollback"));
    assert.equal(functionRecord(fx, bad.outputs["function-id"]).imageDigest, bad.outputs.digest);
    assert.deepEqual(await answer(fx, bad.outputs.url ?? ""), { status: 200, body: BROKEN_BODY });
    assertNothingLeaked(fx, [good, bad, ...(await job.runPosts())]);
  });
});
