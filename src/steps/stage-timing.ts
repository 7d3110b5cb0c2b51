import type { StepContext } from "../step-context.ts";
import type { PipelineHost, StageTiming } from "./pipeline.ts";

export interface TimedStages {
  /** A stage nothing else runs beside. */
  alone<T>(name: string, ctx: StepContext, work: (ctx: StepContext) => Promise<T>): Promise<T>;
  /** A stage that runs beside others; `waitedMs` is how long it waited for what it needed first. */
  alongside<T>(
    name: string,
    ctx: StepContext,
    work: (ctx: StepContext) => Promise<T>,
    waitedMs?: number,
  ): Promise<T>;
}

/** The host's stages, each with its start, end and wait recorded for the summary. */
export function timedStages(host: PipelineHost, timings: StageTiming[]): TimedStages {
  const timed = async <T>(
    name: string,
    ctx: StepContext,
    work: (ctx: StepContext) => Promise<T>,
    alongside: boolean,
    waitedMs: number,
  ): Promise<T> => {
    const startedAt = ctx.now();
    try {
      return await host.stage(name, work, { ctx, alongside });
    } finally {
      timings.push({ stage: name, startedAt, endedAt: ctx.now(), waitedMs });
    }
  };
  return {
    alone: (name, ctx, work) => timed(name, ctx, work, false, 0),
    alongside: (name, ctx, work, waitedMs = 0) => timed(name, ctx, work, true, waitedMs),
  };
}
