import * as core from "@actions/core";
import { UserError } from "../../errors.ts";
import { readFcPipelineInputs } from "../../inputs/fc-pipeline.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { entraTools } from "../../tools/step-tools.ts";
import { stageGroups } from "../pipeline/stage-groups.ts";
import { runMain } from "../run.ts";
import { writeFcPipelineSummary } from "./summary.ts";

/**
 * fc-deploy, entra-token and smoke-test in one step (src/steps/fc-pipeline.ts, the same as
 * `fngate fc-pipeline`): each stage in its own log group, its outputs set as soon as it is done.
 */
await runMain(async ({ read, host, tools, ctx, deadline }) => {
  const inputs = readEveryInput(read, (all) => readFcPipelineInputs(all, host));
  // The step, and the cloud SDKs it uses, load only once the inputs are read and checked.
  const { runFcPipeline } = await import("../../steps/fc-pipeline.ts");
  const result = await runFcPipeline(inputs, ctx(), {
    stage: stageGroups(deadline),
    entra: entraTools(tools),
    output: (name, value) => core.setOutput(name, value),
  });
  await writeFcPipelineSummary(result);
  if (result.failure !== undefined) throw new UserError(result.failure);
});
