// The root action's rollout on OCI, run as the runner runs it against every emulator, the real Docker
// engine and registry: a good deploy is promoted; a build that fails the smoke test (a real one, see
// test/support/broken-build.ts) is rolled back (the function's previous image by digest, the
// deployment's previous specification) and the previous API re-checked; a failed first deploy leaves
// nothing answering; `direct` leaves the bad build live. When the rollout cannot finish: OCI refuses
// the restore (the error says what was put back, what is live now and what to do), the step's
// deadline ends the run mid-rollback (no rollback is claimed, the post step still cleans up), the
// previous version fails the same smoke test (put back, and said), or the run changed nothing
// (nothing to roll back). `fngate pipeline` runs the same runPipeline (src/steps/pipeline.ts) and
// reports its failure as it does a blocked preflight: pipeline-preflight.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Fault } from "./emulators/faults.ts";
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

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Makes the second UpdateFunction of one function (a bad run's restore) fail as `fault` says. */
function failSecondUpdate(functionId: string | undefined, fault: Fault): () => void {
  let updates = 0;
  return fx.oci.stack.oci.faults.add((target) =>
    target.operation === "UpdateFunction" && target.path.endsWith(`/${functionId}`) && ++updates === 2
      ? fault
      : undefined,
  );
}

// Side by side: each test deploys functions of its own names, and its faults hit only its function,
// so the deadline test's wait overlaps the others' work.
describe("rollout on OCI when the rollback cannot finish", { concurrency: true }, () => {
  it("a rollback that fails says so plainly: what was put back, what is live now, what to do", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const inputs = fx.inputs("secret", "rollfail");
    const good = await job.run(PIPELINE, { inputs });
    assert.equal(good.exitCode, 0, good.stdout);
    const broken = await breakTheBuild(fx, job.workspace, "rollfail");
    // The second UpdateFunction of the bad run is the restore: OCI refuses it.
    const remove = failSecondUpdate(good.outputs["function-id"], {
      status: 404,
      code: "NotAuthorizedOrNotFound",
      message: "Authorization failed or requested resource not found.",
    });
    try {
      const bad = await job.run(PIPELINE, {
        inputs: { ...inputs, ...broken, audiences: "api://my-oci-api, api://my-oci-api-next" },
      });
      const badImage = pinnedImage(bad.outputs);
      const goodImage = pinnedImage(good.outputs);
      const line = assertUserFailure(
        bad,
        /^smoke test failed, 1 of 6 checks: .* Rollback FAILED /,
        fx.secrets,
      );
      const [, after] = line.split(" Rollback FAILED ");
      assert.ok(
        after?.startsWith(
          `(rolled back: deployment rollfail spec): function rollfail image ${badImage} -> ${goodImage}: `,
        ),
        line,
      );
      assert.ok(after?.includes("NotAuthorizedOrNotFound") || after?.includes("not found"), line);
      assert.ok(
        after?.endsWith(
          `; live now: function rollfail runs ${badImage}. Deploy the previous version again (or restore it in the OCI console) before callers rely on the API.`,
        ),
        line,
      );
      assert.equal(bad.outputs.promoted, "false");
      assert.equal(bad.outputs["rolled-back"], "false");
      assert.equal(functionRecord(fx, bad.outputs["function-id"]).imageDigest, bad.outputs.digest);
    } finally {
      remove();
    }
    assertNothingLeaked(fx, await job.runPosts());
  });

  it("a run whose deadline ends it mid-rollback does not claim a rollback; the post step still cleans up", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const before = await job.snapshot();
    const inputs = fx.inputs("secret", "cancelled");
    const started = Date.now();
    const good = await job.run(PIPELINE, { inputs });
    assert.equal(good.exitCode, 0, good.stdout);
    // The deadline must fall inside the rollback: after the bad run's build, deploy and smoke test,
    // which take about as long as the good run just did on this machine. Three times that, at least
    // 15 s, in tenths of a minute.
    const minutes = Math.max(0.25, Math.ceil((3 * (Date.now() - started)) / 6000) / 10);
    const broken = await breakTheBuild(fx, job.workspace, "cancelled");
    // The restore (the bad run's second UpdateFunction) hangs past the step's deadline: it starts after
    // the run did and hangs as long as the whole deadline; no longer, as the pending delay keeps the
    // emulator (and this test file's process) busy.
    const remove = failSecondUpdate(good.outputs["function-id"], {
      delayMs: minutes * 60_000,
      status: 409,
      code: "Conflict",
    });
    try {
      const bad = await job.run(PIPELINE, {
        inputs: { ...inputs, ...broken, "deadline-minutes": String(minutes) },
      });
      assertUserFailure(
        bad,
        new RegExp(`^deadline-minutes \\(${literal(String(minutes))}\\) reached while .*rollback`),
        fx.secrets,
      );
      assert.equal(bad.outputs.promoted, "false");
      assert.notEqual(bad.outputs["rolled-back"], "true");
      assert.doesNotMatch(bad.stdout, /re-check passed|Rolled back function/);
    } finally {
      remove();
    }
    const posts = await job.runPosts();
    assert.ok(posts.every((post) => post.exitCode === 0));
    assert.deepEqual(await job.snapshot(), before, "HOME and RUNNER_TEMP are as before the job");
    assertNothingLeaked(fx, posts);
  });

  it("a previous version that fails the same smoke test is put back all the same, and the error says so", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const inputs = fx.inputs("secret", "recheck");
    const good = await job.run(PIPELINE, { inputs });
    assert.equal(good.exitCode, 0, good.stdout);
    // Nothing changed: a failing smoke test has nothing to roll back, and says so.
    const strict = { ...inputs, "expect-body": '{"message":"Hello there"}' };
    const same = await job.run(PIPELINE, { inputs: strict });
    const verdict =
      'smoke test failed, 1 of 6 checks: with token answered 200 with another body, expected 200, body includes JSON {"message":"Hello there"}.';
    assertUserFailure(
      same,
      `${verdict} This run changed nothing, so there was nothing to roll back.`,
      fx.secrets,
    );
    assert.equal(same.outputs["rolled-back"], "false");
    // A bad build judged by a smoke test the previous version fails too: back it goes, and the error says both.
    const bad = await job.run(PIPELINE, {
      inputs: { ...strict, ...(await breakTheBuild(fx, job.workspace, "recheck")) },
    });
    assertUserFailure(
      bad,
      `${verdict} Rolled back function recheck image ${pinnedImage(bad.outputs)} -> ${pinnedImage(good.outputs)}; the re-check FAILED too, so the previous version does not pass either (${verdict.replace(/\.$/, "")}).`,
      fx.secrets,
    );
    assert.equal(bad.outputs["rolled-back"], "true");
    assert.equal(functionRecord(fx, bad.outputs["function-id"]).imageDigest, good.outputs.digest);
    assertNothingLeaked(fx, [good, same, bad, ...(await job.runPosts())]);
  });
});
