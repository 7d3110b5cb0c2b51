// The runner harness itself, exercised with tiny fixture actions under test/runner/fixtures
// that use the real @actions/core: if these pass, a test that runs a dist bundle through the
// harness sees what a workflow on GitHub would see.
import assert from "node:assert/strict";
import { delimiter, join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  ActionMetadataError,
  applyMasks,
  describeAnnotations,
  evaluatePostIf,
  Job,
  loadActionMetadata,
  parseCommandLine,
  parseKeyValueFile,
  runAction,
} from "./runner/index.ts";
import { stepPassed } from "./support/passed.ts";

const actionsDir = join(import.meta.dirname, "runner", "fixtures");

describe("action metadata", () => {
  it("reads inputs, outputs and runs through GitHub's parser", async () => {
    const action = await loadActionMetadata("toolkit-tour", actionsDir);
    assert.deepEqual(
      action.inputs.map(({ name, default: value, required }) => ({ name, value, required })),
      [
        { name: "greeting", value: "hello", required: false },
        { name: "user-ocid", value: undefined, required: false },
        { name: "secret", value: undefined, required: false },
        { name: "fail", value: "false", required: false },
      ],
    );
    assert.deepEqual(
      action.outputs.map((output) => output.name),
      ["greeting", "user-ocid", "multi-line"],
    );
    assert.deepEqual(action.runs, {
      using: "node24",
      main: "main.js",
      pre: undefined,
      post: "post.js",
      postIf: "always()",
    });
    assert.deepEqual(action.branding, { icon: "check", color: "green" });
  });

  it("rejects an invalid action.yml with the parser's own messages", async () => {
    await assert.rejects(loadActionMetadata("invalid-metadata", actionsDir), (error: unknown) => {
      assert.ok(error instanceof ActionMetadataError);
      assert.match(error.message, /Unexpected value 'key'/);
      assert.match(error.message, /Unexpected value 'unknown-key'/);
      return true;
    });
  });

  it("defaults post-if to always() and keeps expression defaults apart", async () => {
    const action = await loadActionMetadata("expression-default", actionsDir);
    assert.equal(action.runs.postIf, "always()");
    assert.equal(action.inputs[0]?.default, undefined);
    assert.match(action.inputs[0]?.defaultExpression ?? "", /github\.token/);
  });
});

describe("a main step", () => {
  let job: Job;
  before(async () => {
    job = await Job.create({ actionsDir });
  });
  after(() => job.dispose());

  it("sees action.yml defaults, and returns outputs, exports, state, summary, annotations and masks", async () => {
    const result = await stepPassed(job, "toolkit-tour", { secret: "s3cr3t-value" });
    assert.equal(result.outcome, "success");
    assert.equal(result.phase, "main");
    assert.equal(result.outputs.greeting, "hello");
    assert.equal(result.outputs["user-ocid"], "");
    assert.equal(result.outputs["user-ocid-env"], "", "declared inputs without a default are set, empty");
    assert.equal(result.outputs["multi-line"], "first line\nsecond = line\nthird<<EOF");
    assert.deepEqual(result.exportedEnv, { TOUR_GREETING: "hello from the tour", TOUR_MULTI: "a\nb" });
    assert.deepEqual(result.addedPath, ["/opt/tour/bin"]);
    assert.deepEqual(result.state, { "key-file": join(job.home, ".tour", "key.pem"), multi: "x\ny" });
    assert.match(result.summary, /<h1>Tour<\/h1>/);
    assert.deepEqual(result.masks, ["s3cr3t-value"]);
    assert.deepEqual(result.groups, ["tour group"]);
    assert.deepEqual(result.debug, ["debug detail"]);
    assert.deepEqual(
      result.annotations,
      [
        { level: "warning", message: "watch out", properties: {} },
        { level: "notice", message: "for your information", properties: {} },
        {
          level: "error",
          message: "broken: 100%, really\nsecond line",
          properties: { title: "Title: with colon", file: "src/a,b.ts", line: "3" },
        },
      ],
      describeAnnotations(result),
    );
  });

  it("lists the files it wrote under HOME and RUNNER_TEMP with their modes", async () => {
    const result = await job.run("toolkit-tour", { inputs: { secret: "another" } });
    const written = new Map(result.writtenFiles.map((file) => [file.path, file]));
    assert.equal(written.get("home/.tour/key.pem")?.mode, 0o600);
    assert.equal(written.get("home/.tour/key.pem")?.content.toString(), "key for another\n");
    assert.ok(!written.has("runner-temp/tour.tmp"), "unchanged since the first run, so not listed");
    const snapshot = await job.snapshot();
    assert.deepEqual(snapshot.get("home/.tour"), { kind: "directory", mode: 0o700 });
    assert.equal(snapshot.get("runner-temp/tour.tmp")?.kind, "file");
    assert.ok(![...snapshot.keys()].some((path) => path.startsWith("file-commands")));
  });

  it("refuses what the runner would: an undeclared input (listing the valid ones), a guessed expression default, a missing entry", async () => {
    await assert.rejects(job.run("toolkit-tour", { inputs: { greting: "hi" } }), {
      message: /Unexpected input\(s\) 'greting'.*valid inputs are 'greeting', 'user-ocid', 'secret', 'fail'/,
    });
    await assert.rejects(job.run("expression-default"), { message: /github\.token.*pass a value/ });
    const result = await job.run("expression-default", { inputs: { token: "abc" } });
    assert.equal(result.outputs["token-length"], "3", "a given value is taken");
    await assert.rejects(job.run("missing-entry"), {
      message: /not-built\/missing-entry\/index\.js.*npm run build/,
    });
  });
});

describe("the environment of a step", () => {
  it("is minimal, runs on this Node in the workspace, and carries GITHUB_ENV and GITHUB_PATH to later steps", async () => {
    process.env.FNGATE_HARNESS_LEAK = "from the test process";
    const job = await Job.create({
      actionsDir,
      env: { JOB_LEVEL: "job", TOUR_GREETING: "overridden by export" },
    });
    try {
      await job.run("toolkit-tour", { inputs: { greeting: "hi" } });
      const names =
        "TOUR_GREETING,TOUR_MULTI,JOB_LEVEL,STEP_LEVEL,FNGATE_HARNESS_LEAK,NODE_TEST_CONTEXT,RUNNER_DEBUG,HOME,RUNNER_TEMP,GITHUB_WORKSPACE,GITHUB_ACTIONS,CI,RUNNER_OS,PATH";
      const probe = await job.run("env-probe", { inputs: { names }, env: { STEP_LEVEL: "step" } });
      const seen = probe.outputs;
      assert.equal(seen.TOUR_GREETING, "hi from the tour");
      assert.equal(seen.TOUR_MULTI, "a\nb");
      assert.equal(seen.JOB_LEVEL, "job");
      assert.equal(seen.STEP_LEVEL, "step");
      assert.equal(seen.FNGATE_HARNESS_LEAK, "<unset>");
      assert.equal(seen.NODE_TEST_CONTEXT, "<unset>");
      assert.equal(seen.RUNNER_DEBUG, "<unset>");
      assert.equal(seen.HOME, job.home);
      assert.equal(seen.RUNNER_TEMP, job.runnerTemp);
      assert.equal(seen.GITHUB_WORKSPACE, job.workspace);
      assert.equal(seen.cwd, job.workspace);
      assert.deepEqual([seen.GITHUB_ACTIONS, seen.CI, seen.RUNNER_OS], ["true", "true", "Linux"]);
      assert.equal(seen.PATH, `/opt/tour/bin${delimiter}${process.env.PATH}`);
      assert.equal(seen["node-version"], process.version);
      assert.match(seen["env-names"] ?? "", /(^|,)INPUT_NAMES(,|$)/);
      assert.match(seen["env-names"] ?? "", /(^|,)INPUT_RAW-OUTPUT(,|$)/);
      const debugProbe = await job.run("env-probe", { inputs: { names: "RUNNER_DEBUG" }, debug: true });
      assert.equal(debugProbe.outputs.RUNNER_DEBUG, "1");
    } finally {
      delete process.env.FNGATE_HARNESS_LEAK;
      await job.dispose();
    }
  });

  it("gives each step fresh file-command files, and fails the step on a malformed one as the runner does", async () => {
    await using job = await Job.create({ actionsDir });
    const first = await job.run("env-probe", { inputs: { names: "GITHUB_OUTPUT" } });
    const second = await job.run("env-probe", {
      inputs: { names: "GITHUB_OUTPUT", "raw-output": "fine=1\nno separator here\n" },
    });
    assert.notEqual(first.outputs.GITHUB_OUTPUT, second.outputs.GITHUB_OUTPUT);
    assert.equal(second.exitCode, 0);
    assert.equal(second.outcome, "failure");
    assert.equal(second.outputs.fine, "1");
    assert.match(describeAnnotations(second), /Unable to process file command.*no separator here/);
    assert.equal(job.failed, true);
  });

  it("refuses NODE_OPTIONS through GITHUB_ENV but keeps the other exports", async () => {
    await using job = await Job.create({ actionsDir });
    const result = await job.run("env-probe", {
      inputs: { "raw-env": "NODE_OPTIONS=--require /tmp/evil.js\nKEPT<<END\nyes\nEND\n" },
    });
    assert.deepEqual(result.exportedEnv, { KEPT: "yes" });
    assert.equal(result.outcome, "success");
    assert.match(describeAnnotations(result), /^error: Can't store NODE_OPTIONS/m);
    assert.deepEqual(job.exportedEnv, { KEPT: "yes" });
  });
});

describe("post steps", () => {
  it("run in reverse order with STATE_* and the step's inputs, and can leave HOME and RUNNER_TEMP as they were", async () => {
    await using job = await Job.create({ actionsDir });
    const before = await job.snapshot();
    await job.run("toolkit-tour", { inputs: { greeting: "first" } });
    await job.run("post-on-failure");
    await job.run("toolkit-tour", { inputs: { greeting: "second" } });
    assert.notDeepEqual(await job.snapshot(), before);
    const posts = await job.runPosts();
    assert.deepEqual(
      posts.map((post) => [post.action, post.phase, post.outputs["post-greeting"]]),
      [
        ["toolkit-tour", "post", "second"],
        ["toolkit-tour", "post", "first"],
      ],
    );
    assert.deepEqual(job.skippedPosts, [{ action: "post-on-failure", postIf: "failure()" }]);
    const [post] = posts;
    assert.equal(post?.env.STATE_multi, "x\ny");
    assert.match(post?.stdout ?? "", /post: key-file=.*\.tour\/key\.pem multi="x\\ny"/);
    assert.ok(post?.removedFiles.includes("home/.tour/key.pem"));
    assert.deepEqual(await job.snapshot(), before, "the post steps removed everything the main steps wrote");
    assert.deepEqual(await job.runPosts(), [], "each post entry runs once");
  });

  it("post-if: failure() runs once a main step has failed", async () => {
    await using job = await Job.create({ actionsDir });
    const main = await job.run("post-on-failure", { inputs: { fail: true } });
    assert.equal(main.exitCode, 1);
    assert.equal(main.outcome, "failure");
    assert.deepEqual(
      main.annotations.filter((a) => a.level === "error").map((a) => a.message),
      ["main failed on purpose"],
    );
    const posts = await job.runPosts();
    assert.equal(posts.length, 1);
    assert.match(posts[0]?.stdout ?? "", /post ran after a failure/);
  });
});

describe("timeouts and secret scanning", () => {
  it("stops a step that runs past its timeout, or once cancelWhen settles, and reports it", {
    timeout: 60_000,
  }, async () => {
    await using job = await Job.create({ actionsDir });
    await using other = await Job.create({ actionsDir });
    // Long enough for node to start and print even on a busy machine; the two jobs side by side.
    const cancelWhen = new Promise((settle) => setTimeout(settle, 2000));
    const [result, cancelled] = await Promise.all([
      job.run("sleeper", { timeoutMs: 2000 }),
      other.run("sleeper", { cancelWhen, timeoutSignal: "SIGKILL", timeoutMs: 600_000 }),
    ]);
    assert.equal(result.timedOut, true);
    assert.equal(result.outcome, "failure");
    assert.equal(result.exitCode, null);
    assert.equal(result.signal, "SIGTERM");
    assert.match(result.stdout, /sleeping/);
    assert.deepEqual([cancelled.timedOut, cancelled.signal], [true, "SIGKILL"]);
    assert.match(cancelled.stdout, /sleeping/);
  });

  it("allWrittenText: what the steps made visible, including removed world-readable files", async () => {
    await using job = await Job.create({ actionsDir });
    await job.run("toolkit-tour", { inputs: { secret: "needle-7f3a", greeting: "greeting-5c1d" } });
    assert.match(
      await job.allWrittenText(),
      /key for needle-7f3a/,
      "a private file still in HOME is scanned",
    );
    await job.runPosts();
    const text = await job.allWrittenText();
    assert.doesNotMatch(
      text,
      /needle-7f3a/,
      "neither the consumed ::add-mask:: line nor the removed 0600 file",
    );
    assert.match(text, /temporary greeting-5c1d/, "a removed world-readable file still counts");
    assert.match(text, /greeting-5c1d from the tour/, "exports count");
  });

  it("runAction runs main and post in a job of its own", async () => {
    const run = await runAction("toolkit-tour", { actionsDir, inputs: { secret: "needle-7f3a" } });
    assert.equal(run.main.exitCode, 0);
    assert.deepEqual(
      run.posts.map((post) => post.phase),
      ["post"],
    );
    assert.deepEqual(run.after, run.before);
    assert.match(run.writtenText, /hello from the tour/);
    assert.doesNotMatch(applyMasks(run.main.stdout, run.main.masks), /needle-7f3a/);
  });
});

describe("parsing what a step writes", () => {
  it("reads name=value and heredoc file commands like the runner", () => {
    const text = "a=1\r\nb<<EOF\nline 1\nline=2\nEOF\n\nc=x=y\nd<<=\nvalue\n=\na=2\n";
    const parsed = parseKeyValueFile(text, "GITHUB_OUTPUT");
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(Object.fromEntries(parsed.values), {
      a: "2",
      b: "line 1\nline=2",
      c: "x=y",
      d: "value",
    });
    assert.match(
      parseKeyValueFile("x<<EOF\nno end\n", "GITHUB_ENV").errors[0] ?? "",
      /delimiter not found 'EOF'/,
    );
    assert.match(parseKeyValueFile("=value\n", "GITHUB_ENV").errors[0] ?? "", /empty name/);
  });

  it("decodes workflow commands and their escaping", () => {
    assert.deepEqual(parseCommandLine("  ::error file=a%2Cb.ts,line=3,title=x%3Ay%25::one%0Atwo%25%0D"), {
      name: "error",
      properties: { file: "a,b.ts", line: "3", title: "x:y%" },
      data: "one\ntwo%\r",
    });
    assert.deepEqual(parseCommandLine("::add-mask::p%25ss"), {
      name: "add-mask",
      properties: {},
      data: "p%ss",
    });
    assert.equal(parseCommandLine("::not-a-command::x"), undefined);
    assert.equal(parseCommandLine("::error no end"), undefined);
  });

  it("evaluates post-if conditions against the job status", () => {
    const ok = { failed: false, cancelled: false };
    const failed = { failed: true, cancelled: false };
    const cancelled = { failed: false, cancelled: true };
    const table: [string, boolean, boolean, boolean][] = [
      ["always()", true, true, true],
      ["success()", true, false, false],
      ["failure()", false, true, false],
      ["cancelled()", false, false, true],
      ["!cancelled()", true, true, false],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
      ["${{ failure() || cancelled() }}", false, true, true],
      ["success() && !cancelled()", true, false, false],
      ["true", true, false, false],
    ];
    for (const [condition, whenOk, whenFailed, whenCancelled] of table) {
      assert.deepEqual(
        [
          evaluatePostIf(condition, ok),
          evaluatePostIf(condition, failed),
          evaluatePostIf(condition, cancelled),
        ],
        [whenOk, whenFailed, whenCancelled],
        condition,
      );
    }
    assert.throws(() => evaluatePostIf("github.event_name == 'push'", ok), /not supported/);
  });
});
