import { readCloudRunPipelineInputs } from "../../inputs/cloud-run-pipeline.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { readDeploymentRecordSettings } from "../deployments/settings.ts";
import { runMain } from "../run.ts";

/**
 * cloud-run-deploy, gcp-id-token and smoke-test in one step (src/steps/cloud-run-pipeline.ts, the same
 * as `fngate cloud-run-pipeline`): the inputs read and checked here, the run in run-pipeline.ts, loaded
 * only then (with the GitHub records, docker and the step's SDKs), so a bad input fails at once.
 */
await runMain(async (run) => {
  const { inputs, recordSettings } = readEveryInput(run.read, (all) => ({
    inputs: readCloudRunPipelineInputs(all, run.host),
    recordSettings: readDeploymentRecordSettings(all),
  }));
  const { runCloudRunPipelineAction } = await import("./run-pipeline.ts");
  await runCloudRunPipelineAction(inputs, recordSettings, run);
});
