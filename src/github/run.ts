import * as core from "@actions/core";
import { describeError, isUserError } from "../errors.ts";

/**
 * Runs an action's main entry: a UserError becomes one ::error:: line and exit 1, with no stack trace
 * unless debug logging is on; anything else is reported as a bug, with its trace in debug mode.
 */
export async function runMain(main: () => Promise<void>): Promise<void> {
  quietSdkChatter();
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
  quietSdkChatter();
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

/**
 * The OCI SDK prints its retry decisions with console.warn ("Request cannot be retried...") and
 * triggers Node deprecation warnings; in a workflow log they read like failures. They go to the debug
 * log instead, where they still help when someone turns debug logging on.
 */
function quietSdkChatter(): void {
  process.noDeprecation = true;
  const toDebug = (...args: unknown[]) => core.debug(args.map(String).join(" "));
  console.warn = toDebug;
  console.info = toDebug;
  console.log = toDebug;
}
