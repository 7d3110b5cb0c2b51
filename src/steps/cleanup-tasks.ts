import { describeError } from "../errors.ts";
import type { Logger } from "../step-context.ts";

/** One thing a post step undoes; `what` names it in the warning when it fails. */
export interface CleanupTask {
  what: string;
  run(): Promise<void>;
}

/**
 * Runs every task, in order, even when an earlier one fails: a docker logout that fails must not
 * leave the API key and ~/.oci/config behind. Each failure is its own warning naming what was left
 * undone; cleanup never throws (a post step never fails the job). Returns the tasks that failed.
 */
export async function runCleanups(tasks: readonly CleanupTask[], logger: Logger): Promise<CleanupTask[]> {
  const failed: CleanupTask[] = [];
  for (const task of tasks) {
    try {
      await task.run();
    } catch (error) {
      failed.push(task);
      logger.warning(`cleanup failed: ${task.what}: ${describeError(error)}`);
      if (error instanceof Error && error.stack) logger.debug(error.stack);
    }
  }
  return failed;
}
