import { readCloudRunDeployInputs } from "../../inputs/cloud-run-deploy.ts";
import { cloudRunDeployOutputs } from "../../steps/outputs/cloud-run-deploy.ts";
import { cloudRunTools } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, host, tools, ctx }) => {
  const inputs = readCloudRunDeployInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { cloudRunDeploy } = await import("../../steps/cloud-run-deploy.ts");
  const result = await cloudRunDeploy(inputs, ctx, await cloudRunTools(tools));
  return { outputs: cloudRunDeployOutputs(result) };
};
