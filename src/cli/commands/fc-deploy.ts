import { readFcDeployInputs } from "../../inputs/fc-deploy.ts";
import { fcDeployOutputs } from "../../steps/outputs/fc-deploy.ts";
import type { CommandRunner } from "../command.ts";

/** Outside GitHub the RAM OIDC provider must trust the CI system's issuer; its token is given (cli-host.ts). */
export const run: CommandRunner = async ({ read, host, ctx }) => {
  const inputs = readFcDeployInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { fcDeploy } = await import("../../steps/fc-deploy.ts");
  const result = await fcDeploy(inputs, ctx);
  return { outputs: fcDeployOutputs(result) };
};
