// The root action and cloud-run-pipeline with github-token: the run is recorded as a GitHub deployment
// of the commit, and the verified URL becomes the environment's URL; on a pull request one comment is
// kept up to date; a main step killed mid-run has its deployment ended as error by its post step. The
// bundled actions, run as the runner runs them, against the emulators and the strict GitHub REST
// emulator; the token never shows.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { STOPPED_DESCRIPTION } from "../src/github/deployments/left-open.ts";
import { type CloudRunFixture, startCloudRunFixture } from "./emulators/gcp/fixture.ts";
import { type GitHubApiEmulator, startGitHubApi } from "./emulators/github-api/server.ts";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./reliability/pipeline-fixture.ts";
import { secretsFound, shownByStep } from "./support/secret-scan.ts";

const TOKEN = "ghs_pipelineRecordToken0123456789abcdefXYZ";
const SHA = "89abcdef0123456789abcdef0123456789abcdef";

let fx: PipelineFixture;
let cloudRun: CloudRunFixture;
let api: GitHubApiEmulator;
before(async () => {
  fx = await startPipelineFixture("pipeline");
  cloudRun = await startCloudRunFixture();
  api = await startGitHubApi({
    token: TOKEN,
    owner: "acme",
    repo: "shop",
    refs: [SHA, HEAD],
    defaultBranchSha: SHA,
  });
});
after(async () => {
  await api?.close();
  await cloudRun?.close();
  await fx?.close();
});

const HEAD = "0123456789abcdef0123456789abcdef01234567";
const PR = 7;

/** The runner's GitHub context for a run of acme/shop at SHA, against the GitHub REST emulator. */
function runnerEnv(event: string, runId: string): Record<string, string> {
  return {
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_SHA: SHA,
    GITHUB_EVENT_NAME: event,
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: "1",
  };
}

/** The runner's GitHub context for a pull_request run, its event payload written to a file. */
async function pullRequestEnv(dir: string): Promise<Record<string, string>> {
  const eventPath = join(dir, "event.json");
  await writeFile(
    eventPath,
    JSON.stringify({ number: PR, pull_request: { number: PR, head: { sha: HEAD } } }),
  );
  return { ...runnerEnv("pull_request", "5151"), GITHUB_EVENT_PATH: eventPath };
}

// The OCI run beside the Cloud Run ones (separate emulators; each finds its records by environment).
// The Cloud Run ones one after the other: the second slows the GCP emulator's operations.
describe("GitHub deployment records", { concurrency: true }, () => {
  it("records the deploy as a GitHub deployment: in progress, then success with the verified URL", async (t) => {
    if (!(await pipelineComponents(t))) return;
    await using job = await fx.job();
    const run = await job.run(PIPELINE, {
      inputs: { ...fx.inputs("secret", "ghdeploy"), "github-token": TOKEN, environment: "staging" },
      env: runnerEnv("push", "4242"),
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.passed, "true");
    const deployment = api.deployments.find((d) => d.environment === "staging");
    assert.equal(deployment?.environment, "staging", run.stdout + JSON.stringify(api.requests));
    assert.equal(deployment?.ref, SHA);
    assert.deepEqual(
      deployment?.statuses.map((s) => [s.state, s.environment_url]),
      [
        ["in_progress", ""],
        ["success", run.outputs.url],
      ],
    );
    assert.match(run.stdout, new RegExp(`GitHub deployment ${deployment?.id}: success\\.`));
    assert.deepEqual(secretsFound(shownByStep(run), [TOKEN]), []);
    const posts = await job.runPosts();
    assert.ok(posts.every((p) => p.exitCode === 0));
  });

  describe("cloud-run-pipeline", { concurrency: 1 }, () => {
    it("cloud-run-pipeline records its deploys the same way: a failed smoke test as failure, a verified one as success with the service's URL; two pull request runs leave one comment", async () => {
      await using job = await cloudRun.job();
      const env = await pullRequestEnv(job.runnerTemp);
      const inputs = {
        ...cloudRun.deployInputs("recorded-fn"),
        "expect-body": "Hello World!",
        "github-token": TOKEN,
        environment: "pr-7",
      };
      const from = api.deployments.length;
      // First without an invoker: the deploying account may not invoke the service, so the smoke test fails.
      const failed = await job.run("cloud-run-pipeline", { inputs, env });
      assert.equal(failed.exitCode, 1, failed.stdout);
      const passed = await job.run("cloud-run-pipeline", {
        inputs: { ...inputs, "invoker-service-account": cloudRun.caller.email },
        env,
      });
      assert.equal(passed.exitCode, 0, passed.stdout + passed.stderr);
      // The branch's head as a transient environment, the comment updated in place:
      // github-deployments.test.ts.
      const recorded = api.deployments.slice(from).filter((d) => d.environment === "pr-7");
      assert.deepEqual(
        recorded.map((d) => d.statuses.map((s) => [s.state, s.environment_url])),
        [
          [
            ["in_progress", ""],
            ["failure", ""],
          ],
          [
            ["in_progress", ""],
            ["success", passed.outputs.url],
          ],
        ],
      );
      assert.match(
        recorded[0]?.statuses[1]?.description ?? "",
        // The first revision of a new service failed: verify-then-promote deleted the service it made.
        /^fngate: Revision recorded-fn-\S+ failed the smoke test; it was the first revision of a service this run created, so the service/,
      );
      const ours = api.comments.filter((c) => c.issue === PR);
      assert.equal(ours.length, 1, "one comment after two runs");
      assert.ok(ours[0]?.body.includes(`| URL | ${passed.outputs.url} |`), ours[0]?.body);
      assert.match(ours[0]?.body ?? "", /\| Rollout \| ✅ promoted: revision recorded-fn-\S+ \|/);
      assert.deepEqual(secretsFound(shownByStep(failed) + shownByStep(passed), [TOKEN]), []);
      const posts = await job.runPosts();
      assert.ok(posts.every((p) => p.exitCode === 0));
      // Both runs ended their records: no post found a deployment to end.
      assert.ok(recorded.every((d) => d.statuses.length === 2));
    });

    it("a main step killed mid-deploy leaves its deployment in progress; the post step marks it error with the reason", async () => {
      await using job = await cloudRun.job();
      const env = await pullRequestEnv(job.runnerTemp);
      // The step is SIGKILLed 5 s in, as a cancelled job's runner may: past recording the deployment
      // (about a second in), before the operation it would wait for (it outlasts the step) could end it.
      cloudRun.stack.gcp.setOperationDelay(120_000);
      try {
        const from = api.deployments.length;
        const main = await job.run("cloud-run-pipeline", {
          inputs: { ...cloudRun.deployInputs("killed-fn"), "github-token": TOKEN, environment: "pr-7" },
          env,
          timeoutMs: 5_000,
          timeoutSignal: "SIGKILL",
        });
        assert.equal(main.signal, "SIGKILL", main.stdout);
        const deployment = api.deployments.slice(from).find((d) => d.environment === "pr-7");
        assert.deepEqual(
          deployment?.statuses.map((s) => s.state),
          ["in_progress"],
          `killed before it could end the record: ${main.stdout}`,
        );
        const posts = await job.runPosts();
        assert.deepEqual(
          posts.map((p) => p.exitCode),
          [0],
        );
        assert.deepEqual(
          deployment?.statuses.map((s) => [s.state, s.description, s.log_url]),
          [
            [
              "in_progress",
              "fngate: deploying",
              "https://github.example/acme/shop/actions/runs/5151/attempts/1",
            ],
            ["error", STOPPED_DESCRIPTION, "https://github.example/acme/shop/actions/runs/5151/attempts/1"],
          ],
        );
        assert.match(
          posts[0]?.stdout ?? "",
          new RegExp(
            `GitHub deployment ${deployment?.id} to pr-7: error \\(the deploy step was stopped before it finished\\)\\.`,
          ),
        );
        assert.deepEqual(secretsFound(shownByStep(main) + shownByStep(posts[0] ?? main), [TOKEN]), []);
      } finally {
        cloudRun.stack.gcp.setOperationDelay(50);
      }
    });
  });
});
