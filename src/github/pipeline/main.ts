import { readPipelineInputs } from "../../inputs/pipeline.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { readDeploymentRecordSettings } from "../deployments/settings.ts";
import { runMain } from "../run.ts";

/**
 * The whole path in one step (src/steps/pipeline.ts, the same as `fngate pipeline`): the inputs read
 * and checked here, the run in run-pipeline.ts, loaded only then (with the GitHub records, docker and
 * the step's SDKs), so a bad input fails as fast as node starts.
 */
await runMain(async (run) => {
  const { inputs, recordSettings } = readEveryInput(run.read, (all) => ({
    inputs: readPipelineInputs(all, run.host),
    recordSettings: readDeploymentRecordSettings(all),
  }));
  const { runPipelineAction } = await import("./run-pipeline.ts");
  await runPipelineAction(inputs, recordSettings, run);
});
