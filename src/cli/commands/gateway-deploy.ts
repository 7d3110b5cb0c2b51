import { readGatewayDeployInputs } from "../../inputs/gateway-deploy.ts";
import { deployGateway } from "../../steps/gateway-deploy.ts";
import { gatewayDeployOutputs } from "../../steps/outputs/gateway-deploy.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, host, ctx }) => {
  const result = await deployGateway(readGatewayDeployInputs(read, host), ctx);
  return { outputs: gatewayDeployOutputs(result) };
};
