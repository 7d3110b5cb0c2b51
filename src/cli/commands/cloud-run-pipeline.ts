import { readCloudRunPipelineInputs } from "../../inputs/cloud-run-pipeline.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { prefixedLogger } from "../../steps/stage-logger.ts";
import { stageTimeline } from "../../steps/stage-timeline.ts";
import { cloudRunTools } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

/**
 * The cloud-run-pipeline action (src/steps/cloud-run-pipeline.ts) from the command line. The deploy
 * stage logs docker out of the registry as soon as its push ends, in this same process, so there is no
 * post step to stand in for (the action has one for a main step killed mid-push).
 */
export const run: CommandRunner = async ({ read, host, tools, ctx }) => {
  const inputs = readEveryInput(read, (all) => readCloudRunPipelineInputs(all, host));
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { runCloudRunPipeline } = await import("../../steps/cloud-run-pipeline.ts");
  const outputs: Record<string, string> = {};
  const result = await runCloudRunPipeline(inputs, ctx, {
    // Every stage starts with a header line; side by side, each of its lines also names it.
    stage: (name, work, { ctx: stageCtx, alongside }) => {
      if (!alongside) return stageCtx.logger.group(name, () => work(stageCtx));
      stageCtx.logger.info(`── ${name} (alongside other stages: its lines start with [${name}])`);
      return work({ ...stageCtx, logger: prefixedLogger(stageCtx.logger, `[${name}] `) });
    },
    tools: () => cloudRunTools(tools),
    output: (name, value) => {
      outputs[name] = value;
    },
  });
  for (const [stage, started, ended, waited] of stageTimeline(result.timings, "an earlier stage")) {
    ctx.logger.info(`${stage}: ${started} to ${ended}${waited === "-" ? "" : `, waited ${waited}`}`);
  }
  return { outputs, ...(result.failure === undefined ? {} : { failure: result.failure }) };
};
