import { readCloudRunDeployInputs } from "../../inputs/cloud-run-deploy.ts";
import { cloudRunDeploy } from "../../steps/cloud-run-deploy.ts";
import { cloudRunDeployOutputs } from "../../steps/outputs/cloud-run-deploy.ts";
import { cloudRunTools } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, host, tools, ctx }) => {
  const result = await cloudRunDeploy(readCloudRunDeployInputs(read, host), ctx, await cloudRunTools(tools));
  return { outputs: cloudRunDeployOutputs(result) };
};
