// The root action with github-token: the run is recorded as a GitHub deployment of the commit, and
// the verified URL becomes the environment's URL. The whole pipeline, run as the runner runs it,
// against the emulators and the strict GitHub REST emulator; the token never shows.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
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
let api: GitHubApiEmulator;
before(async () => {
  fx = await startPipelineFixture("pipeline");
  api = await startGitHubApi({
    token: TOKEN,
    owner: "acme",
    repo: "shop",
    refs: [SHA],
    defaultBranchSha: SHA,
  });
});
after(async () => {
  await api?.close();
  await fx?.close();
});

it("records the deploy as a GitHub deployment: in progress, then success with the verified URL", async (t) => {
  if (!(await pipelineComponents(t))) return;
  await using job = await fx.job();
  const run = await job.run(PIPELINE, {
    inputs: { ...fx.inputs("secret", "ghdeploy"), "github-token": TOKEN, environment: "staging" },
    env: {
      GITHUB_API_URL: api.url,
      GITHUB_SERVER_URL: "https://github.example",
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_SHA: SHA,
      GITHUB_EVENT_NAME: "push",
      GITHUB_RUN_ID: "4242",
      GITHUB_RUN_ATTEMPT: "1",
    },
  });
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.equal(run.outputs.passed, "true");
  const [deployment] = api.deployments;
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
