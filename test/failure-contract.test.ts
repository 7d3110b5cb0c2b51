// The failure contract itself (test/runner/failure-contract.ts): it passes a clean user error and
// refuses each way a failed step or CLI run can break the contract, so no test leans on a check that
// cannot fail.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertCliFailure, assertUserFailure, type StepResult } from "./runner/index.ts";
import type { CliRun } from "./support/cli-process.ts";

const LINE = "region must be an OCI region identifier such as ap-tokyo-1; got tokyo.";
const SECRET = "s3cret-value-of-the-test";

function step(overrides: Partial<StepResult> = {}): StepResult {
  return {
    action: "fn-context",
    phase: "main",
    outcome: "failure",
    exitCode: 1,
    signal: null,
    timedOut: false,
    stdout: `::add-mask::${SECRET}\nchecking inputs\n::error::${LINE}\n`,
    stderr: "",
    outputs: {},
    exportedEnv: {},
    addedPath: [],
    state: {},
    summary: "",
    annotations: [{ level: "error", message: LINE, properties: {} }],
    debug: [],
    groups: [],
    masks: [SECRET],
    writtenFiles: [],
    removedFiles: [],
    env: {},
    ...overrides,
  };
}

const FRAME = "    at parse (/home/runner/work/_actions/fngate/dist/fn-context/index.js:12:7)";

describe("assertUserFailure", () => {
  it("passes one clean error line and returns it; a debug line may hold a stack trace", () => {
    assert.equal(assertUserFailure(step(), LINE, [SECRET]), LINE);
    assert.equal(assertUserFailure(step(), /^region must be/), LINE);
    const debug = step({ stdout: `::debug::Error: x%0A${FRAME.trim()}\n::error::${LINE}\n` });
    assert.equal(assertUserFailure(debug, LINE), LINE);
  });

  const broken: [string, Partial<StepResult>, string[]?][] = [
    ["exit code 0", { exitCode: 0 }],
    ["exit code 2", { exitCode: 2 }],
    ["killed", { exitCode: null, signal: "SIGKILL" }],
    ["no error line", { annotations: [] }],
    [
      "two error lines",
      {
        annotations: [
          { level: "error", message: LINE, properties: {} },
          { level: "error", message: "and another", properties: {} },
        ],
      },
    ],
    ["another message", { annotations: [{ level: "error", message: "something else", properties: {} }] }],
    [
      "an error of two lines",
      { annotations: [{ level: "error", message: `${LINE}\nmore`, properties: {} }] },
    ],
    ["a stack frame on stderr", { stderr: `Error: boom\n${FRAME}\n` }],
    [
      "a bundle position in the log",
      { stdout: `failed at dist/fn-context/index.js:4021\n::error::${LINE}\n` },
    ],
    ["a given secret in the log", { stdout: `key ${SECRET}\n::error::${LINE}\n`, masks: [] }, [SECRET]],
    ["a masked value in an output", { outputs: { token: SECRET } }],
    ["a secret in the summary", { summary: `<p>${SECRET}</p>` }],
    ["a secret in an exported variable", { exportedEnv: { KEY: SECRET } }],
  ];
  for (const [name, overrides, secrets] of broken) {
    it(`refuses ${name}`, () => {
      assert.throws(() => assertUserFailure(step(overrides), LINE, secrets), assert.AssertionError);
    });
  }
});

describe("assertCliFailure", () => {
  const run = (overrides: Partial<CliRun> = {}): CliRun => ({
    exitCode: 1,
    stdout: "",
    stderr: `[fn-context] checking inputs\nerror: ${LINE}\n`,
    ...overrides,
  });

  it("passes one clean error: line with the expected exit code and returns the message", () => {
    assert.equal(assertCliFailure(run(), LINE, { secrets: [SECRET] }), LINE);
    assert.equal(assertCliFailure(run({ exitCode: 2 }), /^region/, { exitCode: 2 }), LINE);
  });

  const broken: [string, Partial<CliRun>][] = [
    ["exit code 0", { exitCode: 0 }],
    ["a usage exit code where a failure was expected", { exitCode: 2 }],
    ["no error line", { stderr: "[fn-context] checking inputs\n" }],
    ["two error lines", { stderr: `error: ${LINE}\nerror: ${LINE}\n` }],
    ["another message", { stderr: "error: something else\n" }],
    ["a stack frame", { stderr: `error: ${LINE}\n${FRAME}\n` }],
    ["a secret on stdout", { stdout: JSON.stringify({ ok: false, token: SECRET }) }],
  ];
  for (const [name, overrides] of broken) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => assertCliFailure(run(overrides), LINE, { secrets: [SECRET] }),
        assert.AssertionError,
      );
    });
  }
});
