import assert from "node:assert/strict";
import type { InputValue, Job, StepResult } from "../runner/index.ts";

/** A finished process: a step of the runner harness or a run of the built CLI. */
interface Finished {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Asserts a step or CLI run exited 0, showing its output if not; returns the run. */
export function passed<T extends Finished>(run: T): T {
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  return run;
}

/** Runs `action` in `job` with `inputs` and asserts the step passed. */
export async function stepPassed(
  job: Job,
  action: string,
  inputs: Record<string, InputValue>,
): Promise<StepResult> {
  return passed(await job.run(action, { inputs }));
}
