// The one failure contract: a step that fails because of something the user can fix says so in exactly
// one line naming the input and the fix, exits with its failure code, shows no stack trace (a debug
// switch may) and no secret. Every test that checks a failed action step or a failed CLI run checks it
// here, so the contract cannot drift between files.
import assert from "node:assert/strict";
import type { CliRun } from "../support/cli-process.ts";
import { secretsFound, visibleOutput } from "../support/secret-scan.ts";
import type { StepResult } from "./step-result.ts";

/** The one line a user reads: equal to a string, or matching a pattern. */
export type ExpectedMessage = string | RegExp;

/** A stack frame (`    at fn (file:1:2)`) or a bundle position (`index.js:123`) outside the debug log. */
const STACK_TRACE = /^\s+at \S|\.[cm]?js:\d+/m;
/** Masks shorter than this are words a log may hold anyway ("true", a region). */
const SHORTEST_MASK = 8;

/**
 * The action step failed as a user error: exit code 1, exactly one `::error::` line, of one line of
 * text, that is `message` (or matches it), no stack trace, and no secret (those given and the step's
 * own masks) in its log, summary, outputs or exported env. Returns the error line.
 */
export function assertUserFailure(
  step: StepResult,
  message: ExpectedMessage,
  secrets: readonly string[] = [],
): string {
  const log = visibleOutput(step.stdout);
  assert.equal(step.exitCode, 1, `exit code of ${step.action}:\n${log}\n${step.stderr}`);
  const errors = step.annotations.filter((note) => note.level === "error").map((note) => note.message);
  assert.equal(errors.length, 1, `one ::error:: line from ${step.action}, got:\n${errors.join("\n")}`);
  const line = errors[0] ?? "";
  assertLine(line, message);
  const shown = [
    withoutDebug(log),
    step.stderr,
    step.summary,
    JSON.stringify(step.outputs),
    JSON.stringify(step.exportedEnv),
  ].join("\n");
  assert.doesNotMatch(withoutDebug(shown), STACK_TRACE, "no stack trace without debug logging");
  const masks = step.masks.filter((mask) => mask.length >= SHORTEST_MASK);
  assert.deepEqual(secretsFound(shown, [...secrets, ...masks]), [], `a secret shows in ${step.action}'s log`);
  return line;
}

/**
 * The CLI run failed as a user error (exit 1) or a usage error (exit 2): exactly one `error:` line on
 * stderr, of one line of text, whose message is `message` (or matches it), no stack trace and no
 * secret in anything it printed. Returns the message without its `error: ` prefix.
 */
export function assertCliFailure(
  run: CliRun,
  message: ExpectedMessage,
  options: { exitCode?: 1 | 2 | 3; secrets?: readonly string[] } = {},
): string {
  const { exitCode = 1, secrets = [] } = options;
  assert.equal(run.exitCode, exitCode, run.stderr);
  const errors = run.stderr.split("\n").filter((line) => line.startsWith("error: "));
  assert.equal(errors.length, 1, `one error: line on stderr, got:\n${run.stderr}`);
  const line = (errors[0] ?? "").slice("error: ".length);
  assertLine(line, message);
  const shown = `${run.stdout}\n${run.stderr}`;
  assert.doesNotMatch(shown, STACK_TRACE, "no stack trace without --debug");
  assert.deepEqual(secretsFound(shown, secrets), [], "a secret shows in the CLI's output");
  return line;
}

function assertLine(line: string, message: ExpectedMessage): void {
  if (typeof message === "string") assert.equal(line, message);
  else assert.match(line, message);
  assert.doesNotMatch(line, /[\r\n]/, "the error is one line");
}

/** A debug line may carry a stack trace: `::debug::` commands of an action, `debug:` lines of the CLI. */
function withoutDebug(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^(::debug::|(\[[\w-]+\] )?debug: )/.test(line.trimStart()))
    .join("\n");
}
