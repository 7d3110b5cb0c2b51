import type { StepContext } from "../step-context.ts";
import type { PipelineHost, StageTiming } from "./pipeline.ts";

export interface TimedStages {
  /** A stage nothing else runs beside. */
  alone<T>(name: string, ctx: StepContext, work: (ctx: StepContext) => Promise<T>): Promise<T>;
  /**
   * A stage that runs beside others; `waitedMs` is how long it waited for what it needed first, and
   * `waitedFor` what that was (the function's OCID when not given).
   */
  alongside<T>(
    name: string,
    ctx: StepContext,
    work: (ctx: StepContext) => Promise<T>,
    waitedMs?: number,
    waitedFor?: string,
  ): Promise<T>;
}

/** The host's stages, each with its start, end and wait recorded for the summary. */
export function timedStages(host: PipelineHost, timings: StageTiming[]): TimedStages {
  const timed = async <T>(
    name: string,
    ctx: StepContext,
    work: (ctx: StepContext) => Promise<T>,
    alongside: boolean,
    waited: { waitedMs: number; waitedFor?: string },
  ): Promise<T> => {
    const startedAt = ctx.now();
    try {
      return await host.stage(name, work, { ctx, alongside });
    } finally {
      timings.push({ stage: name, startedAt, endedAt: ctx.now(), ...waited });
    }
  };
  return {
    alone: (name, ctx, work) => timed(name, ctx, work, false, { waitedMs: 0 }),
    alongside: (name, ctx, work, waitedMs = 0, waitedFor = undefined) =>
      timed(name, ctx, work, true, { waitedMs, ...(waitedFor ? { waitedFor } : {}) }),
  };
}
