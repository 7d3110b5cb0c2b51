import { readFnDeployInputs } from "../../inputs/fn-deploy.ts";
import { fnDeployOutputs } from "../../steps/outputs/fn-deploy.ts";
import { fnDeployTools } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, host, tools, ctx, cleanup }) => {
  const inputs = readFnDeployInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { deployFunction } = await import("../../steps/fn-deploy.ts");
  // A registry token login of `fngate ocir-login` (newest first) is renewed around the push.
  const tokenLogin = [...cleanup.load().ocirLogin].reverse().find((login) => login.tokenLogin)?.tokenLogin;
  const result = await deployFunction(inputs, ctx, await fnDeployTools(tools, tokenLogin));
  return { outputs: fnDeployOutputs(result) };
};
