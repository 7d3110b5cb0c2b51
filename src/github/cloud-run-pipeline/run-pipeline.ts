import * as core from "@actions/core";
import { UserError } from "../../errors.ts";
import type { CloudRunPipelineInputs } from "../../steps/cloud-run-pipeline.ts";
import { cloudRunTools } from "../../tools/step-tools.ts";
import { cloudRunPipelineOutcome } from "../deployments/outcome.ts";
import type { DeploymentRecordSettings } from "../deployments/record.ts";
import { recordedRun } from "../deployments/recorded-run.ts";
import { stageGroups } from "../pipeline/stage-groups.ts";
import type { ActionRun } from "../run.ts";
import { loginState } from "./state.ts";
import { writeCloudRunPipelineSummary } from "./summary.ts";

/**
 * cloud-run-pipeline's run once its inputs are read: each stage in its own log group, its outputs set
 * as soon as it is done, and a registry login recorded for the post step before docker changes
 * anything. With github-token, the run is a GitHub deployment of the commit (as the root action records it).
 */
export async function runCloudRunPipelineAction(
  inputs: CloudRunPipelineInputs,
  recordSettings: DeploymentRecordSettings | undefined,
  { tools, ctx, deadline }: ActionRun,
): Promise<void> {
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { runCloudRunPipeline } = await import("../../steps/cloud-run-pipeline.ts");
  // With github-token, recorded as a GitHub deployment, as the root action does.
  const result = await recordedRun(
    recordSettings,
    ctx().logger,
    () =>
      runCloudRunPipeline(inputs, ctx(), {
        stage: stageGroups(deadline),
        tools: async () => ({ ...(await cloudRunTools(tools)), recordLogin: loginState.save }),
        output: (name, value) => core.setOutput(name, value),
      }),
    cloudRunPipelineOutcome,
  );
  await writeCloudRunPipelineSummary(result);
  if (result.failure !== undefined) throw new UserError(result.failure);
}
