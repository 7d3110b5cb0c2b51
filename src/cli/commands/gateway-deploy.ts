import { readGatewayDeployInputs } from "../../inputs/gateway-deploy.ts";
import { gatewayDeployOutputs } from "../../steps/outputs/gateway-deploy.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, host, ctx }) => {
  const inputs = readGatewayDeployInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { deployGateway } = await import("../../steps/gateway-deploy.ts");
  const result = await deployGateway(inputs, ctx);
  return { outputs: gatewayDeployOutputs(result) };
};
