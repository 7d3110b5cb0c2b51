// The root action: the whole pipeline in one step, run as the runner runs it (the harness's ".."
// action), against every emulator at once and the real Docker engine and registry: a function from a
// directory to a live API behind Entra token authentication, proven by the smoke test, for v1 and v2
// tokens and for client-secret, certificate and federated credentials. Which other tokens the deployed
// route refuses (another audience or issuer, expired, a foreign key): R5 (reliability/r5-auth-negatives).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  API_V2_URI,
  answersOf,
  type Credential,
  GUARDED_ANSWERS,
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  STAGES,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { EXAMPLE, pipelineInputs as inProcessInputs } from "./reliability/r4-cases.ts";
import { assertUserFailure, runAction } from "./runner/index.ts";
import { refusalTable } from "./support/input-table.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

let fx: PipelineFixture;

before(async () => {
  fx = await startPipelineFixture("pipeline");
});
after(async () => {
  await fx?.close();
});

/** The fixture's inputs, asking Entra for v2 tokens (their aud is the API app's client id) when told. */
function pipelineInputs(version: 1 | 2, credential: Credential, name: string): Record<string, string> {
  const v2 = { audiences: fx.apiV2.appId, scope: `${API_V2_URI}/.default` };
  return fx.inputs(credential, name, version === 2 ? v2 : {});
}

describe("the whole pipeline in one step", () => {
  // Each token version once, the first credential and the one the job's environment serves: R1
  // (reliability/r1-secrets) runs the pipeline with every credential (the certificate too), and the
  // gateway and entra-token actions take both token versions (their own tests).
  const combinations: [1 | 2, Credential][] = [
    [1, "secret"],
    [2, "federated"],
  ];
  for (const [version, credential] of combinations) {
    it(`v${version} tokens, ${credential} credential: live, guarded, proven, cleaned up, nothing leaked`, async (t) => {
      if (!(await pipelineComponents(t))) return;
      const name = `p${version}${credential.slice(0, 4)}`;
      await using job = await fx.job();
      const before = await job.snapshot();
      const run = await job.run(PIPELINE, { inputs: pipelineInputs(version, credential, name) });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      assert.equal(run.outputs.passed, "true");
      assert.deepEqual(answersOf(run.outputs.results), GUARDED_ANSWERS);
      assert.ok(run.outputs["function-id"]?.startsWith("ocid1.fnfunc."));
      assert.match(run.outputs.url ?? "", new RegExp(`/${name}/hello$`));
      for (const group of STAGES) assert.ok(run.groups.includes(group), `log group ${group}`);
      const posts = await job.runPosts();
      assert.ok(posts.every((p) => p.exitCode === 0));
      assert.deepEqual(await job.snapshot(), before, "HOME and RUNNER_TEMP are as before the job");
      const everything =
        [run, ...posts].map((r) => visibleOutput(r.stdout) + r.stderr).join("\n") +
        (await job.allWrittenText());
      assert.deepEqual(secretsFound(everything, fx.secrets), []);
      for (const mask of run.masks)
        assert.ok(!everything.includes(mask) || mask.length < 8, "a masked value leaked");
    });
  }

  it("after a refused endpoint override the post step has nothing to clean up and warns of nothing", async () => {
    // An http:// FNGATE_OCI_ENDPOINT to another host: the main step says so in one line, and the post
    // step says only that nothing changed instead of repeating the refusal as a failed cleanup.
    const run = await runAction(PIPELINE, {
      jobEnv: { FNGATE_OCI_ENDPOINT: "http://oci.example.com" },
      inputs: {
        skip: "fn-context,fn-deploy,gateway-deploy,entra-token,smoke-test",
        preflight: "false",
        region: "ap-tokyo-1",
        namespace: "axnamespace",
        username: "ci",
        "auth-token": "not-a-real-token",
        registry: "127.0.0.1:5999",
      },
    });
    assertUserFailure(run.main, /FNGATE_OCI_ENDPOINT/, ["not-a-real-token"]);
    assert.equal(run.posts.length, 1);
    const post = run.posts[0];
    assert.equal(post?.exitCode, 0);
    assert.deepEqual(post?.annotations, [], "no warning from the post step");
    assert.match(post?.stdout ?? "", /Nothing to clean up\./);
    assert.deepEqual([...run.after.keys()], [...run.before.keys()], "HOME and RUNNER_TEMP as before");
  });
});

// Refused before anything runs, in process (test/support/input-table.ts: no call made, nothing written).
describe("the root action refuses a bad input in one line", () => {
  refusalTable("pipeline", async () => ({ inputs: await inProcessInputs(), workspace: EXAMPLE }), {
    "refuses an unknown stage in skip before anything runs": [
      { skip: "fn-context, deploy" },
      /^skip: unknown stage "deploy"; stages are fn-context, ocir-login/,
    ],
    "refuses an unknown rollout in one line before anything runs": [
      { rollout: "canary" },
      'rollout must be one of verify-then-promote, direct (verify-then-promote restores the previous version when the smoke test fails); got "canary".',
    ],
  });
});
