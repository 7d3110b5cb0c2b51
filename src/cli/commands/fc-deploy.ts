import { readFcDeployInputs } from "../../inputs/fc-deploy.ts";
import { fcDeploy } from "../../steps/fc-deploy.ts";
import { fcDeployOutputs } from "../../steps/outputs/fc-deploy.ts";
import type { CommandRunner } from "../command.ts";

/** Outside GitHub the RAM OIDC provider must trust the CI system's issuer; its token is given (cli-host.ts). */
export const run: CommandRunner = async ({ read, host, ctx }) => {
  const result = await fcDeploy(readFcDeployInputs(read, host), ctx);
  return { outputs: fcDeployOutputs(result) };
};
