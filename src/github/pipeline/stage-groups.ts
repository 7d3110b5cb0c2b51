import * as core from "@actions/core";
import { type StepDeadline, WaitInterrupted } from "../../deadline.ts";
import type { StepContext } from "../../step-context.ts";
import { keepingLogger } from "../../steps/stage-logger.ts";

/**
 * How the root action shows a pipeline stage: a log group of its own; a deadline reached meanwhile
 * names the stage. A stage alone streams into its group, opened on the steps' logger so a build or
 * wait inside it opens no nested group (GitHub's groups do not nest). Stages running side by side
 * keep their lines and each writes its group when it ends, so no two groups' lines ever mix.
 */
export function stageGroups(deadline: StepDeadline) {
  return async <T>(
    name: string,
    work: (ctx: StepContext) => Promise<T>,
    { ctx, alongside }: { ctx: StepContext; alongside: boolean },
  ): Promise<T> => {
    const during = (run: () => Promise<T>) => deadline.during(`the ${name} stage`, run);
    if (!alongside) return ctx.logger.group(name, () => during(() => work(ctx)));
    const { logger, lines } = keepingLogger();
    try {
      // Not `during`: stages side by side would restore each other's activity. The wait the deadline
      // stopped names its own stage instead.
      return await work({ ...ctx, logger });
    } catch (error) {
      if (!(error instanceof WaitInterrupted) || !deadline.signal.aborted) throw error;
      throw new WaitInterrupted(`${error.activity} in the ${name} stage`, error.cause);
    } finally {
      core.startGroup(name);
      const write = { info: core.info, warning: core.warning, debug: core.debug };
      for (const line of lines) write[line.level](line.message);
      core.endGroup();
    }
  };
}
