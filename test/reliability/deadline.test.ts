// The deadline-minutes input: a step that would wait forever (an API Gateway work request that stays
// IN_PROGRESS, a function that stays CREATING) fails at its deadline with one line naming what it was
// waiting for, exit 1, no stack trace, in bounded time, and its post step still cleans up. Bad values
// fail before anything is called.
import assert from "node:assert/strict";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { assertUserFailure, Job } from "../runner/index.ts";
import { type GatewayFixture, startGatewayFixture } from "../support/gateway-fixture.ts";
import { type RefusalRow, refusalTable } from "../support/input-table.ts";
import { PIPELINE, pipelineComponents, startPipelineFixture } from "./pipeline-fixture.ts";
import { gateway, PROFILE } from "./r4-cases.ts";

/** 3 seconds: long enough to start the wait, short enough for a test. */
const DEADLINE = "0.05";
/** The deadline, plus the grace a stopped wait gets, plus process start-up on a busy machine. */
const BOUND_MS = 3000 + 1500 + 6000;

let gw: GatewayFixture;
before(async () => {
  gw = await startGatewayFixture();
});
after(async () => {
  await gw?.close();
});

/**
 * Work requests that go IN_PROGRESS at once and stay there for an hour, so even a late first poll on
 * a busy machine sees IN_PROGRESS; returns the function that puts the timings back.
 */
function stuckWorkRequests(): () => void {
  const timings = gw.oci.stack.oci.state.apigw.timings;
  const saved = { ...timings };
  Object.assign(timings, { workRequestAcceptedMs: 0, workRequestInProgressMs: 3_600_000 });
  return () => Object.assign(timings, saved);
}

describe("deadline-minutes", () => {
  it("gateway-deploy: a work request stuck IN_PROGRESS fails at the deadline, naming it", async () => {
    const restore = stuckWorkRequests();
    const job = await gw.preparedJob();
    try {
      const started = Date.now();
      const run = await job.run("gateway-deploy", {
        inputs: { ...gw.inputs("stuck"), "deadline-minutes": DEADLINE },
      });
      const elapsed = Date.now() - started;
      assertUserFailure(
        run,
        /^deadline-minutes \(0\.05\) reached while waiting for the API Gateway work request ocid1\.apigatewayworkrequest\.\S+ \(still IN_PROGRESS\); raise deadline-minutes if the step needs longer, or find out what is slow\.$/,
      );
      assert.ok(elapsed >= 3000, `failed before the deadline (${elapsed} ms)`);
      assert.ok(elapsed < BOUND_MS, `took ${elapsed} ms`);
    } finally {
      restore();
      await job.dispose();
    }
  });

  it("the pipeline: the deadline names the stage's wait, and the post step restores HOME", async () => {
    const restore = stuckWorkRequests();
    const job = await Job.create({ env: gw.oci.env });
    try {
      const before = await job.snapshot();
      const started = Date.now();
      const run = await job.run("..", {
        inputs: {
          ...gw.oci.inputs(),
          ...gw.inputs("stuck-pipeline"),
          skip: "ocir-login,fn-deploy,entra-token,smoke-test",
          "deadline-minutes": DEADLINE,
        },
      });
      const elapsed = Date.now() - started;
      assertUserFailure(
        run,
        /^deadline-minutes \(0\.05\) reached while waiting for the API Gateway work request \S+ \(still IN_PROGRESS\) in the gateway-deploy stage; raise deadline-minutes/,
      );
      assert.ok(elapsed < BOUND_MS, `took ${elapsed} ms`);
      const [post] = await job.runPosts();
      assert.equal(post?.exitCode, 0, post?.stdout);
      assert.match(post?.stdout ?? "", /Restored|restored|Removed|removed/);
      assert.deepEqual(await job.snapshot(), before, "no key and no configuration left behind");
    } finally {
      restore();
      await job.dispose();
    }
  });

  it("the pipeline: a function that stays CREATING fails at the deadline in the fn-deploy stage", async (t) => {
    if (!(await pipelineComponents(t))) return;
    const fx = await startPipelineFixture("deadline", { functionActiveDelayMs: 3_600_000 });
    const job = await fx.job();
    try {
      const image = await fx.prebuiltImage("deadline");
      const before = await job.snapshot();
      const started = Date.now();
      const run = await job.run(PIPELINE, {
        inputs: fx.inputs("secret", "creating", {
          image,
          // The deadline is for the whole step: without preflight's checks the fn-deploy stage's wait
          // starts well within it on a busy machine too.
          preflight: "false",
          "deadline-minutes": DEADLINE,
        }),
      });
      const elapsed = Date.now() - started;
      assertUserFailure(
        run,
        /^deadline-minutes \(0\.05\) reached while waiting for function creating to become ACTIVE \(still CREATING\) in the fn-deploy stage; raise deadline-minutes/,
      );
      assert.ok(elapsed < BOUND_MS, `took ${elapsed} ms`);
      const posts = await job.runPosts();
      assert.ok(posts.length > 0 && posts.every((post) => post.exitCode === 0));
      assert.match(
        posts.map((post) => post.stdout).join("\n"),
        /Logged out of .*; docker.s config\.json is as it was before ocir-login\.\nRemoved the key files fn-context wrote and restored/,
      );
      assert.deepEqual(
        await job.snapshot(),
        before,
        "no key, no configuration and no docker login left behind",
      );
    } finally {
      await job.dispose();
      await fx.close();
    }
  });

  it("smoke-test: a URL that keeps answering 404 stops retrying at the deadline, naming the URL", async () => {
    await using job = await Job.create({ env: gw.oci.env });
    const url = `${gw.oci.stack.gateway.url}/nothing-deployed-here`;
    const run = await job.run("smoke-test", {
      inputs: { url, wait: "600", "negative-checks": "", "deadline-minutes": "0.03" },
    });
    assertUserFailure(
      run,
      new RegExp(
        `^deadline-minutes \\(0\\.03\\) reached while waiting for ${url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} to answer 200 \\(last answered 404`,
      ),
    );
  });

  it("a call that never answers: the deadline still ends the step, naming the action", async () => {
    // Accepts connections and never answers: fn-context's signed verify call hangs.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const job = await Job.create({
      env: { ...gw.oci.env, FNGATE_OCI_ENDPOINT: `https://127.0.0.1:${port}` },
    });
    try {
      const before = await job.snapshot();
      const started = Date.now();
      const run = await job.run("fn-context", {
        inputs: { ...gw.oci.inputs(), "deadline-minutes": "0.02" },
      });
      const elapsed = Date.now() - started;
      assertUserFailure(
        run,
        /^deadline-minutes \(0\.02\) reached while running fn-context; raise deadline-minutes/,
      );
      assert.ok(elapsed < 1200 + 1500 + 6000, `took ${elapsed} ms`);
      const [post] = await job.runPosts();
      assert.equal(post?.exitCode, 0, post?.stdout);
      assert.deepEqual(await job.snapshot(), before, "no key and no configuration left behind");
    } finally {
      await job.dispose();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  // Refused in process (test/support/input-table.ts), before any call and before any file is written.
  describe("bad values", () => {
    const refusals: Record<string, RefusalRow> = {};
    for (const value of ["abc", "0", "-5", "361", "1e3"]) {
      refusals[`deadline-minutes: ${value} is refused before any call`] = [
        { "deadline-minutes": value },
        `deadline-minutes must be a number of minutes above 0 and at most 360 (such as 15 or 0.5); got "${value}".`,
      ];
    }
    refusalTable("gateway-deploy", () => ({ inputs: gateway, env: PROFILE }), refusals);
  });
});
