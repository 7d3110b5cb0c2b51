import * as core from "@actions/core";
import { describeError, isUserError } from "../errors.ts";

/**
 * Runs an action's main entry: a UserError becomes one ::error:: line and exit 1, with no stack trace
 * unless debug logging is on; anything else is reported as a bug, with its trace in debug mode.
 */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (isUserError(error)) {
      core.setFailed(error.message);
    } else {
      core.setFailed(`${describeError(error)} (unexpected error: re-run with debug logging for details)`);
    }
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  }
  finish();
}

/** Runs a post entry: cleanup must never fail the job, so a failure becomes a warning. */
export async function runPost(post: () => Promise<void>): Promise<void> {
  try {
    await post();
  } catch (error) {
    core.warning(`cleanup failed: ${describeError(error)}`);
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  }
  finish();
}

/** SDK clients can leave timers behind; the step is over, so end the process with its exit code. */
function finish(): void {
  process.exit(process.exitCode ?? 0);
}
