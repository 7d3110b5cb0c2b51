import { readFcPipelineInputs } from "../../inputs/fc-pipeline.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { prefixedLogger } from "../../steps/stage-logger.ts";
import { stageTimeline } from "../../steps/stage-timeline.ts";
import { entraTools } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

/** The fc-pipeline action (src/steps/fc-pipeline.ts) from the command line. */
export const run: CommandRunner = async ({ read, host, tools, ctx }) => {
  const inputs = readEveryInput(read, (all) => readFcPipelineInputs(all, host));
  // The step, and the cloud SDKs it uses, load only once the inputs are read and checked.
  const { runFcPipeline } = await import("../../steps/fc-pipeline.ts");
  const outputs: Record<string, string> = {};
  const result = await runFcPipeline(inputs, ctx, {
    // Every stage starts with a header line; side by side, each of its lines also names it.
    stage: (name, work, { ctx: stageCtx, alongside }) => {
      if (!alongside) return stageCtx.logger.group(name, () => work(stageCtx));
      stageCtx.logger.info(`── ${name} (alongside other stages: its lines start with [${name}])`);
      return work({ ...stageCtx, logger: prefixedLogger(stageCtx.logger, `[${name}] `) });
    },
    entra: entraTools(tools),
    output: (name, value) => {
      outputs[name] = value;
    },
  });
  for (const [stage, started, ended, waited] of stageTimeline(result.timings, "an earlier stage")) {
    ctx.logger.info(`${stage}: ${started} to ${ended}${waited === "-" ? "" : `, waited ${waited}`}`);
  }
  return { outputs, ...(result.failure === undefined ? {} : { failure: result.failure }) };
};
