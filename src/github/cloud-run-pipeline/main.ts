import * as core from "@actions/core";
import { UserError } from "../../errors.ts";
import { readCloudRunPipelineInputs } from "../../inputs/cloud-run-pipeline.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { cloudRunTools } from "../../tools/step-tools.ts";
import { cloudRunPipelineOutcome } from "../deployments/outcome.ts";
import { recordedRun } from "../deployments/recorded-run.ts";
import { readDeploymentRecordSettings } from "../deployments/settings.ts";
import { stageGroups } from "../pipeline/stage-groups.ts";
import { runMain } from "../run.ts";
import { loginState } from "./state.ts";
import { writeCloudRunPipelineSummary } from "./summary.ts";

/**
 * cloud-run-deploy, gcp-id-token and smoke-test in one step (src/steps/cloud-run-pipeline.ts, the same
 * as `fngate cloud-run-pipeline`): each stage in its own log group, its outputs set as soon as it is
 * done, and a registry login recorded for the post step before docker changes anything. With
 * github-token, the run is a GitHub deployment of the commit (as the root action records it).
 */
await runMain(async ({ read, host, tools, ctx, deadline }) => {
  const { inputs, recordSettings } = readEveryInput(read, (all) => ({
    inputs: readCloudRunPipelineInputs(all, host),
    recordSettings: readDeploymentRecordSettings(all),
  }));
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
});
