import type { StepContext } from "../step-context.ts";

/**
 * How an adapter shows a stage (the OCI pipeline's PipelineHost.stage, for any pipeline): in its own
 * log group; `alongside` when other stages run at the same time, so its lines must not mix with theirs.
 */
export type StageRunner = <T>(
  name: string,
  work: (ctx: StepContext) => Promise<T>,
  options: { ctx: StepContext; alongside: boolean },
) => Promise<T>;

/** When a stage ran, and what it waited for before it could start: what the summary shows. */
export interface StageWait {
  stage: string;
  startedAt: Date;
  endedAt: Date;
  waitedMs: number;
  /** What the wait was for ("the service's URL"), when there was one. */
  waitedFor?: string;
}

/**
 * stage-timing.ts's timedStages for a pipeline other than the OCI one (that one is typed to the OCI
 * PipelineHost and its waits are all for the function's OCID): each stage's start, end and wait.
 */
export function timedStageRunner(stage: StageRunner, timings: StageWait[]) {
  return async <T>(
    name: string,
    ctx: StepContext,
    work: (ctx: StepContext) => Promise<T>,
    options: { alongside: boolean; waited?: { ms: number; for: string } },
  ): Promise<T> => {
    const startedAt = ctx.now();
    try {
      return await stage(name, work, { ctx, alongside: options.alongside });
    } finally {
      const waitedMs = options.waited?.ms ?? 0;
      timings.push({
        stage: name,
        startedAt,
        endedAt: ctx.now(),
        waitedMs,
        ...(options.waited && waitedMs > 0 ? { waitedFor: options.waited.for } : {}),
      });
    }
  };
}
