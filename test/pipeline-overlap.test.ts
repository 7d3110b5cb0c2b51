// The root action's stages side by side: the gateway is deployed while the function is still becoming
// ACTIVE, the Entra token is fetched alongside, and yet every stage's lines land in its own log group
// and the job summary shows when each stage ran.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { foldedLog, section } from "./support/folded-log.ts";

const ACTIVE_DELAY_MS = 3000;
let fixture: PipelineFixture;

before(async () => {
  fixture = await startPipelineFixture("overlap", { functionActiveDelayMs: ACTIVE_DELAY_MS });
});
after(async () => {
  await fixture?.close();
});

it("deploys the gateway while the function becomes ACTIVE, each stage's lines inside its own group", async (t) => {
  if (!(await pipelineComponents(t))) return;
  const job = await fixture.job();
  try {
    const { requests } = fixture.oci.stack.oci;
    const from = requests.length;
    const run = await job.run(PIPELINE, { inputs: fixture.inputs("secret", "overlap") });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs.passed, "true");

    // Overlap: the deployment was created before the function's last CREATING poll.
    const calls = requests.slice(from);
    const created = calls.find((call) => call.operation === "CreateDeployment");
    const polls = calls.filter((call) => call.operation === "GetFunction");
    assert.ok(created, "the gateway deployment was created");
    assert.ok(
      polls.some((poll) => poll.time > created.time),
      "the function was still being waited for when the deployment was created",
    );

    // Readability: no nesting, and each stage's own lines in its group and in no other.
    const { sections, nested } = foldedLog(run.stdout);
    assert.deepEqual(nested, []);
    const owned: Record<string, RegExp> = {
      "fn-context": /^Wrote profile \[DEFAULT\]/,
      "ocir-login": /^Logged in to /,
      "fn-deploy": /^Function overlap is ACTIVE\.$/,
      "gateway-deploy": /^Work request /,
      "entra-token": /^Got a v1 access token /,
      "smoke-test": /^ok {3}with token: answered 200/,
    };
    for (const [stage, line] of Object.entries(owned)) {
      assert.ok(
        section(run, stage).some((text) => line.test(text)),
        `${stage}: ${line}`,
      );
      // preflight asks for the token entra-token will get, so it logs the same line in its own group.
      for (const other of sections.filter((s) => s.title !== stage && s.title !== "preflight")) {
        assert.ok(!other.lines.some((text) => line.test(text)), `${line} only in ${stage}`);
      }
    }
    // Quiet: docker's legacy-builder notice is not repeated on every build (the step says it once).
    assert.ok(!run.stdout.includes("legacy builder is deprecated"), "no legacy-builder notice");
    // The summary's timeline: gateway-deploy started before fn-deploy ended, after waiting for its OCID.
    assert.match(run.summary, /fngate pipeline: timeline/);
    assert.match(run.summary, /for the function's OCID/);
  } finally {
    await job.runPosts();
    await job.dispose();
  }
});
