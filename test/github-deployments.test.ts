// The GitHub deployment record (opt-in with github-token): a deployment of the commit to the
// environment, in_progress then success with the verified URL or failure, and on a pull request one
// comment per environment, updated in place. Against the strict GitHub REST emulator, in a real
// process with the runner's environment; GitHub refusing a call is a warning, never a failed deploy.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { explainGitHubFailure } from "../src/github/deployments/api-failure.ts";
import { commentBody, commentMarker } from "../src/github/deployments/comment-body.ts";
import {
  cloudRunPipelineOutcome,
  type DeployOutcome,
  finalStatus,
  pipelineOutcome,
} from "../src/github/deployments/outcome.ts";
import type { CloudRunPipelineResult } from "../src/steps/cloud-run-pipeline.ts";
import {
  type GitHubApiEmulator,
  type GitHubApiOptions,
  startGitHubApi,
} from "./emulators/github-api/server.ts";
import { assertUserFailure, runAction } from "./runner/index.ts";
import { cliVerdict } from "./support/input-table.ts";
import { secretsFound } from "./support/secret-scan.ts";

const run = promisify(execFile);
const TOKEN = "ghs_fngateTestToken0123456789abcdefABCDEF";
const HEAD = "0123456789abcdef0123456789abcdef01234567";
const MERGE = "fedcba9876543210fedcba9876543210fedcba98";
const URL_LIVE = "https://gw.example/hello/v1";
const PASSED = [
  { check: "valid-token", expected: "200", answered: "200", latencyMs: 12, attempts: 1, passed: true },
  { check: "no-token", expected: "401", answered: "401", latencyMs: 3, attempts: 1, passed: true },
];
const PR_EVENT = { pull_request: { number: 42, head: { sha: HEAD } }, number: 42 };
const FAILED = [{ ...PASSED[0], answered: "500", passed: false }, PASSED[1]];

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fngate-deployments-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withApi(options: Partial<GitHubApiOptions>, body: (api: GitHubApiEmulator) => Promise<void>) {
  const api = await startGitHubApi({
    token: TOKEN,
    owner: "acme",
    repo: "shop",
    refs: [HEAD, MERGE],
    ...options,
  });
  try {
    await body(api);
  } finally {
    await api.close();
  }
}

/** One run of the record, on a push or on pull request 42 (its webhook payload in GITHUB_EVENT_PATH). */
async function record(
  api: GitHubApiEmulator,
  outcome: object,
  options: { pullRequest?: true; token?: string; environment?: string } = {},
): Promise<string[]> {
  const eventPath = join(dir, `event-${Math.random().toString(16).slice(2)}.json`);
  await writeFile(eventPath, JSON.stringify(options.pullRequest ? PR_EVENT : {}));
  const settings = { token: options.token ?? TOKEN, environment: options.environment ?? "production" };
  const { stdout, stderr } = await run(
    process.execPath,
    ["test/support/deployment-record-driver.ts", JSON.stringify(settings), JSON.stringify(outcome)],
    {
      env: {
        PATH: process.env.PATH,
        GITHUB_API_URL: api.url,
        GITHUB_SERVER_URL: "https://github.example",
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_SHA: options.pullRequest ? MERGE : HEAD,
        GITHUB_EVENT_NAME: options.pullRequest ? "pull_request" : "push",
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_RUN_ID: "777",
        GITHUB_RUN_ATTEMPT: "2",
      },
    },
  );
  assert.deepEqual(secretsFound(stdout + stderr, [TOKEN]), [], "the token never shows");
  return stdout.trim().split("\n");
}

describe("GitHub deployment record", () => {
  it("records a verified deploy: the commit, in_progress then success with the URL and the run's log", async () => {
    await withApi({ defaultBranchSha: MERGE, failingChecks: true }, async (api) => {
      const lines = await record(api, { url: URL_LIVE, checks: PASSED });
      assert.equal(api.deployments.length, 1, lines.join("\n"));
      const [deployment] = api.deployments;
      assert.equal(deployment?.ref, HEAD);
      assert.equal(deployment?.environment, "production");
      assert.equal(deployment?.production_environment, true);
      assert.deepEqual(
        deployment?.statuses.map((s) => [s.state, s.environment_url]),
        [
          ["in_progress", ""],
          ["success", URL_LIVE],
        ],
      );
      assert.equal(
        deployment?.statuses[1]?.log_url,
        "https://github.example/acme/shop/actions/runs/777/attempts/2",
      );
      assert.equal(deployment?.statuses[1]?.description, "fngate: live; 2 smoke checks passed");
      assert.ok(lines.includes(`info: GitHub deployment ${deployment?.id}: success.`), lines.join("\n"));
      assert.equal(api.comments.length, 0, "no pull request, no comment");
    });
  });

  it("on a pull request: deploys the branch's head as a transient environment and keeps one comment, updated in place, found across pages", async () => {
    await withApi({}, async (api) => {
      api.addComments(
        42,
        Array.from({ length: 130 }, (_, i) => `review comment ${i}`),
      );
      const environment = "pr-42";
      await record(
        api,
        { url: URL_LIVE, checks: FAILED, failure: "smoke test failed" },
        { pullRequest: true, environment },
      );
      api.addComments(42, ["a later review comment"]);
      await record(api, { url: URL_LIVE, checks: PASSED }, { pullRequest: true, environment });
      assert.deepEqual(
        api.deployments.map((d) => [d.ref, d.transient_environment, d.production_environment]),
        [
          [HEAD, true, false],
          [HEAD, true, false],
        ],
      );
      const ours = api.comments.filter((c) => c.body.startsWith(commentMarker(environment)));
      assert.equal(ours.length, 1, "one comment per pull request and environment");
      assert.equal(ours[0]?.updates, 1, "the second run updated it");
      assert.match(ours[0]?.body ?? "", /\| Result \| ✅ live and verified by the smoke test \|/);
      assert.match(ours[0]?.body ?? "", /\| valid-token \| 200 \| 200 \| ✅ \|/);
      assert.equal(api.comments.length, 132);
      const listed = api.requests.filter((r) => r.method === "GET");
      assert.ok(listed.length >= 4, "both runs read both pages of comments");
    });
  });

  it("a token without the permissions warns, naming what to grant, and the deploy goes on", async () => {
    await withApi({ permissions: { deployments: false, pullRequests: false } }, async (api) => {
      const lines = await record(api, { url: URL_LIVE, checks: PASSED }, { pullRequest: true });
      assert.deepEqual(lines, [
        "warning: github-token could not record a deployment to production (HTTP 403 Resource not accessible by integration): give the job `permissions: deployments: write` (and use a token for this repository).",
        "warning: github-token could not comment on pull request #42 (HTTP 403 Resource not accessible by integration): give the job `permissions: pull-requests: write` (and use a token for this repository).",
      ]);
    });
  });

  it("a wrong token is named as such", async () => {
    await withApi({}, async (api) => {
      const lines = await record(api, { url: URL_LIVE, checks: PASSED }, { token: "ghs_wrong" });
      assert.deepEqual(lines, [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression the user writes
        "warning: github-token could not record a deployment to production (HTTP 401 Bad credentials): the token is not valid; pass ${{ github.token }} or a token that is.",
      ]);
    });
  });

  it("GitHub Enterprise Server: the API under GITHUB_API_URL's /api/v3 is the one called", async () => {
    await withApi({ prefix: "/api/v3" }, async (api) => {
      await record(api, { url: URL_LIVE, checks: PASSED });
      assert.equal(api.deployments[0]?.statuses.at(-1)?.state, "success");
      assert.ok(
        api.requests.every((r) => r.status < 400),
        JSON.stringify(api.requests),
      );
    });
  });
});

describe("what the record says", () => {
  it("a deploy no smoke test verified is success without the word verified", () => {
    assert.deepEqual(finalStatus({ url: URL_LIVE, checks: [] }), {
      state: "success",
      description: "fngate: deployed; no smoke test ran, so nothing verified it",
      environmentUrl: URL_LIVE,
    });
  });

  it("a long failure is cut to GitHub's 140 characters", () => {
    const status = finalStatus({ checks: [], failure: "x".repeat(300) });
    assert.equal(status.description.length, 140);
    assert.equal(status.state, "failure");
  });

  it("the comment escapes what could break its table or run as HTML", () => {
    const body = commentBody(
      "prod",
      { url: URL_LIVE, checks: [], failure: "bad | pipe\n<script>x</script>" },
      { sha: HEAD, logUrl: "https://github.example/run" },
    );
    assert.match(body, /\| Result \| ❌ failed: bad \\\| pipe &lt;script&gt;x&lt;\/script&gt; \|/);
  });

  it("the comment shows the rollout's result when the run reports one, and no rollout row when it does not", () => {
    const run = { sha: HEAD, logUrl: "https://github.example/run" };
    const rows = (rollout?: DeployOutcome["rollout"]) =>
      commentBody("prod", { url: URL_LIVE, checks: PASSED, ...(rollout ? { rollout } : {}) }, run)
        .split("\n")
        .filter((line) => line.startsWith("| Rollout |"));
    assert.deepEqual(rows({ result: "promoted", detail: "revision hello-00002 serves 100%" }), [
      "| Rollout | ✅ promoted: revision hello-00002 serves 100% |",
    ]);
    assert.deepEqual(rows({ result: "rolled back", detail: "image sha256:abc | spec <restored>" }), [
      "| Rollout | ↩️ rolled back: image sha256:abc \\| spec &lt;restored&gt; |",
    ]);
    assert.deepEqual(rows({ result: "canary", sharePercent: 10 }), [
      "| Rollout | 🐤 canary: 10% of traffic |",
    ]);
    assert.deepEqual(rows(), []);
  });

  it("each pipeline's rollout result reaches the comment: OCI put back, a Cloud Run canary or rollback", () => {
    const oci = pipelineOutcome({
      changed: true,
      rolledBack: true,
      timings: [],
      failure: "smoke test failed",
    });
    assert.deepEqual(oci.rollout, {
      result: "rolled back",
      detail: "the previous function image and deployment specification",
    });
    // How a rolled-back row reads: "the comment shows the rollout's result" above.
    const cloudRun = (rollout: { promoted: boolean; rolledBack: boolean; traffic: string }) =>
      cloudRunPipelineOutcome({
        timings: [],
        deployed: {
          url: URL_LIVE,
          rollout: { ...rollout, revision: "hello-00002", previousRevision: "hello-00001", tagUrl: "" },
        } as NonNullable<CloudRunPipelineResult["deployed"]>,
      }).rollout;
    assert.deepEqual(
      cloudRun({ promoted: true, rolledBack: false, traffic: "hello-00001=90,hello-00002=10" }),
      {
        result: "canary",
        sharePercent: 10,
        detail: "revision hello-00002",
      },
    );
    // A promoted revision: test/pipeline-github-deployment.test.ts, through the real pipeline.
    assert.deepEqual(cloudRun({ promoted: false, rolledBack: true, traffic: "hello-00001=100" }), {
      result: "rolled back",
      detail: "revision hello-00002 took no traffic",
    });
  });

  it("a call that got no answer is a warning that leaves the deploy alone", () => {
    assert.equal(
      explainGitHubFailure(new Error("fetch failed"), "deployment", "record a deployment to prod"),
      "github-token could not record a deployment to prod (fetch failed); the deploy itself is not affected.",
    );
  });

  it("the bundle's undici stand-in lets @actions/github build its proxy dispatcher, and refuses to be used", async () => {
    // With HTTPS_PROXY set, @actions/github builds a ProxyAgent at import; fngate calls through the
    // global fetch instead, so building one must work and using one must fail loudly.
    const shim = createRequire(import.meta.url)("../scripts/shims/undici-not-bundled.cjs");
    const agent = new shim.ProxyAgent({ uri: "http://proxy.example:3128" });
    assert.throws(() => agent.dispatch(), /undici is not bundled with fngate: use the global fetch/);
    await assert.rejects(shim.fetch("https://api.github.com"), /undici is not bundled with fngate/);
  });

  it("the CLI has no GitHub-only flags: --github-token and --environment are unknown there", async () => {
    for (const [command, flag] of [
      ["pipeline", "github-token"],
      ["pipeline", "environment"],
      ["cloud-run-pipeline", "github-token"],
    ] as const) {
      const verdict = await cliVerdict(command, { inputs: { [flag]: "x" } });
      assert.ok(verdict.outcome === "refused" && verdict.exitCode === 2, JSON.stringify(verdict));
      assert.equal(
        verdict.line,
        `unknown flag --${flag}: see --help for this command's flags. (fngate ${command} --help)`,
      );
    }
  });

  it("an environment name over GitHub's 255 characters is refused with the other inputs, before anything runs", async () => {
    const run = await runAction("..", {
      inputs: {
        "github-token": TOKEN,
        environment: "e".repeat(256),
        skip: "fn-context,preflight,ocir-login,fn-deploy,gateway-deploy,entra-token",
        verify: "maybe",
      },
    });
    assertUserFailure(
      run.main,
      /^2 inputs need fixing: .*environment must be at most 255 characters; got 256\./,
      [TOKEN],
    );
  });
});
