// The root action's rollout on OCI, run as the runner runs it against every emulator, the real Docker
// engine and registry: a good deploy is promoted; a build that fails the smoke test is rolled back
// (the function's previous image by digest, the deployment's previous specification) and the previous
// API re-checked; a failed first deploy leaves nothing answering; `direct` leaves the bad build live.
// The bad build is real: a function directory whose func.js answers another body, built and pushed by
// fn-deploy to a repository of its own (image-prefix <registry>/<namespace>/broken), whose images the
// emulator runs from that directory (its images are looked up by repository, not by content).
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { isMutating } from "./emulators/oci/request-log.ts";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import type { Job, StepResult } from "./runner/index.ts";
import { assertUserFailure } from "./runner/index.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

let fx: PipelineFixture;

before(async () => {
  fx = await startPipelineFixture("rollout");
});
after(async () => {
  await fx?.close();
});

/** The smoke test's verdict on the broken build, which answers BROKEN_BODY. */
const SMOKE_VERDICT =
  'smoke test failed, 1 of 6 checks: with token answered 200 with another body, expected 200, body includes JSON {"message":"Hello World"}.';

/** What the broken build answers instead of {"message":"Hello World"}. */
const BROKEN_BODY = '{"message":"Goodbye World"}';

/**
 * Turns the job's checkout into a build that fails the smoke test (func.js answers another body), and
 * returns the inputs that push it to <namespace>/broken/<name>, whose images run from that checkout.
 */
async function breakTheBuild(job: Job, name: string): Promise<Record<string, string>> {
  const funcJs = join(job.workspace, "func.js");
  const code = await readFile(funcJs, "utf8");
  // The checkout lives outside the repository, so it names the FDK by absolute path.
  const fdk = JSON.stringify(fileURLToPath(import.meta.resolve("@fnproject/fdk")));
  const broken = code
    .replace('require("@fnproject/fdk")', `require(${fdk})`)
    .replace("message: `Hello ", "message: `Goodbye ");
  assert.notEqual(broken, code);
  await writeFile(funcJs, broken);
  fx.oci.stack.oci.state.fn.registerFunctionCode(`broken/${name}`, job.workspace);
  return { "image-prefix": `${fx.registry?.host}/${fx.oci.namespace}/broken` };
}

function functionRecord(id: string | undefined) {
  const fn = fx.oci.stack.oci.state.fn.functions.get(id ?? "");
  assert.ok(fn, `function ${id}`);
  return fn;
}

function deploymentRecord(id: string | undefined) {
  const deployment = fx.oci.stack.oci.state.apigw.deployments.get(id ?? "");
  assert.ok(deployment, `deployment ${id}`);
  return deployment;
}

/** What the API answers a caller with a good token. */
async function answer(url: string): Promise<{ status: number; body: string }> {
  const token = await fx.oci.stack.entra.mintToken({
    tenantId: fx.tenantId,
    resource: "api://my-oci-api",
    clientAppId: fx.client.appId,
  });
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.text() };
}

function assertNothingLeaked(runs: StepResult[]): void {
  const everything = runs
    .map((r) => visibleOutput(r.stdout) + r.stderr + JSON.stringify(r.outputs))
    .join("\n");
  assert.deepEqual(secretsFound(everything, fx.secrets), []);
}

const mutatingCalls = () => fx.oci.stack.oci.requests.filter(isMutating).length;

describe("rollout on OCI: verify, then promote or roll back", () => {
  it("a good deploy is promoted; a re-run of it changes nothing", async (t) => {
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
    assert.equal(again.outputs.promoted, "true");
    assert.equal(again.outputs["rolled-back"], "false");
    const image = (first.outputs.image ?? "").replace(/:[^/:]+$/, "");
    assert.equal(again.outputs["previous-image"], `${image}@${first.outputs.digest}`);
    assert.ok(again.outputs["previous-deployment-etag"], "the deployment's etag before the re-run");
    assertNothingLeaked([first, again, ...(await job.runPosts())]);
  });

  it("a build that fails the smoke test is rolled back: previous digest, previous spec, re-checked", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const inputs = fx.inputs("secret", "rollback");
    const good = await job.run(PIPELINE, { inputs });
    assert.equal(good.exitCode, 0, good.stdout);
    const functionId = good.outputs["function-id"];
    const deploymentId = good.outputs["deployment-id"];
    const goodImage = (good.outputs.image ?? "").replace(/:[^/:]+$/, "");
    const goodSpec = structuredClone(deploymentRecord(deploymentId).specification);

    const broken = await breakTheBuild(job, "rollback");
    // The bad run changes the deployment too (one more accepted audience): both must come back.
    const bad = await job.run(PIPELINE, {
      inputs: { ...inputs, ...broken, audiences: "api://my-oci-api, api://my-oci-api-next" },
    });
    const badImage = (bad.outputs.image ?? "").replace(/:[^/:]+$/, "");
    assert.match(badImage, /\/broken\/rollback$/);
    assertUserFailure(
      bad,
      `${SMOKE_VERDICT} Rolled back deployment rollback spec, function rollback image ${badImage}@${bad.outputs.digest} -> ${goodImage}@${good.outputs.digest}; the re-check passed: the previous API answers again.`,
      fx.secrets,
    );
    assert.equal(bad.outputs.promoted, "false");
    assert.equal(bad.outputs["rolled-back"], "true");
    assert.equal(bad.outputs["previous-image"], `${goodImage}@${good.outputs.digest}`);
    assert.ok(bad.groups.includes("rollback"), "the rollback has its own log group");

    const fn = functionRecord(functionId);
    assert.equal(fn.imageDigest, good.outputs.digest);
    assert.equal(fn.image, good.outputs.image);
    assert.equal(fn.lifecycleState, "ACTIVE");
    assert.deepEqual(deploymentRecord(deploymentId).specification, goodSpec);
    assert.deepEqual(await answer(good.outputs.url ?? ""), {
      status: 200,
      body: '{"message":"Hello World"}',
    });
    assertNothingLeaked([good, bad, ...(await job.runPosts())]);
  });

  it("a first deploy that fails removes what it created: no route answers", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const broken = await breakTheBuild(job, "first");
    const run = await job.run(PIPELINE, { inputs: { ...fx.inputs("secret", "first"), ...broken } });
    assertUserFailure(
      run,
      `${SMOKE_VERDICT} Removed what this run added: deployment first deleted (this run created it), function first deleted (this run created it); nothing of it is reachable.`,
      fx.secrets,
    );
    assert.equal(run.outputs.promoted, "false");
    assert.equal(run.outputs["rolled-back"], "true");
    assert.equal(deploymentRecord(run.outputs["deployment-id"]).lifecycleState, "DELETED");
    const fn = fx.oci.stack.oci.state.fn.functions.get(run.outputs["function-id"] ?? "");
    assert.ok(fn === undefined || fn.lifecycleState === "DELETED", "the function this run created is gone");
    assert.equal((await answer(run.outputs.url ?? "")).status, 404);
    assertNothingLeaked([run, ...(await job.runPosts())]);
  });

  it("direct keeps today's behaviour: the bad build stays live and the step fails", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const inputs = { ...fx.inputs("secret", "direct"), rollout: "direct" };
    const good = await job.run(PIPELINE, { inputs });
    assert.equal(good.exitCode, 0, good.stdout);
    const bad = await job.run(PIPELINE, { inputs: { ...inputs, ...(await breakTheBuild(job, "direct")) } });
    assertUserFailure(bad, `${SMOKE_VERDICT}`, fx.secrets);
    assert.equal(bad.outputs.promoted, "false");
    assert.equal(bad.outputs["rolled-back"], "false");
    assert.ok(!bad.groups.includes("rollback"));
    assert.equal(functionRecord(bad.outputs["function-id"]).imageDigest, bad.outputs.digest);
    assert.deepEqual(await answer(bad.outputs.url ?? ""), { status: 200, body: BROKEN_BODY });
    assertNothingLeaked([good, bad, ...(await job.runPosts())]);
  });

  it("a rollback that fails says so plainly: what was put back, what is live now, what to do", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const inputs = fx.inputs("secret", "rollfail");
    const good = await job.run(PIPELINE, { inputs });
    assert.equal(good.exitCode, 0, good.stdout);
    const broken = await breakTheBuild(job, "rollfail");
    // The second UpdateFunction of the bad run is the restore: OCI refuses it.
    let updates = 0;
    const remove = fx.oci.stack.oci.faults.add((target) =>
      target.operation === "UpdateFunction" && ++updates === 2
        ? {
            status: 404,
            code: "NotAuthorizedOrNotFound",
            message: "Authorization failed or requested resource not found.",
          }
        : undefined,
    );
    try {
      const bad = await job.run(PIPELINE, {
        inputs: { ...inputs, ...broken, audiences: "api://my-oci-api, api://my-oci-api-next" },
      });
      const badImage = `${(bad.outputs.image ?? "").replace(/:[^/:]+$/, "")}@${bad.outputs.digest}`;
      const goodImage = `${(good.outputs.image ?? "").replace(/:[^/:]+$/, "")}@${good.outputs.digest}`;
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
      assert.equal(functionRecord(bad.outputs["function-id"]).imageDigest, bad.outputs.digest);
    } finally {
      remove();
    }
    assertNothingLeaked(await job.runPosts());
  });

  it("a run whose deadline ends it mid-rollback does not claim a rollback; the post step still cleans up", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const before = await job.snapshot();
    const inputs = fx.inputs("secret", "cancelled");
    const good = await job.run(PIPELINE, { inputs });
    assert.equal(good.exitCode, 0, good.stdout);
    const broken = await breakTheBuild(job, "cancelled");
    // The restore (the bad run's second UpdateFunction) hangs past the step's deadline.
    let updates = 0;
    const remove = fx.oci.stack.oci.faults.add((target) =>
      target.operation === "UpdateFunction" && ++updates === 2
        ? { delayMs: 60_000, status: 409, code: "Conflict" }
        : undefined,
    );
    try {
      const bad = await job.run(PIPELINE, {
        inputs: { ...inputs, ...broken, "deadline-minutes": "0.75" },
      });
      assertUserFailure(bad, /^deadline-minutes \(0\.75\) reached while .*rollback/, fx.secrets);
      assert.equal(bad.outputs.promoted, "false");
      assert.notEqual(bad.outputs["rolled-back"], "true");
      assert.doesNotMatch(bad.stdout, /re-check passed|Rolled back function/);
    } finally {
      remove();
    }
    const posts = await job.runPosts();
    assert.ok(posts.every((post) => post.exitCode === 0));
    assert.deepEqual(await job.snapshot(), before, "HOME and RUNNER_TEMP are as before the job");
    assertNothingLeaked(posts);
  });

  it("refuses an unknown rollout in one line before anything runs", async () => {
    await using job = await fx.job();
    const calls = fx.oci.stack.oci.requests.length;
    const run = await job.run(PIPELINE, { inputs: { ...fx.inputs("secret", "bad"), rollout: "canary" } });
    assertUserFailure(
      run,
      'rollout must be one of verify-then-promote, direct (verify-then-promote restores the previous version when the smoke test fails); got "canary".',
      fx.secrets,
    );
    assert.equal(fx.oci.stack.oci.requests.length, calls);
  });
});
