import { getInputs, getTools } from "../../github/fn-deploy/inputs.ts";
import { deployFunction } from "../../steps/fn-deploy.ts";
import type { CommandRunner } from "../command.ts";
import { commitSha } from "../commit-sha.ts";
import { requireCliOciProfile } from "../oci-profile.ts";

export const run: CommandRunner = async ({ read, ctx, env }) => {
  const inputs = { ...getInputs(read, requireCliOciProfile(env, ctx.homeDir)), ...commitSha(env) };
  const result = await deployFunction(inputs, ctx, await getTools());
  return {
    outputs: {
      "function-id": result.functionId,
      image: result.image,
      digest: result.digest,
      "invoke-endpoint": result.invokeEndpoint,
      changed: String(result.action !== "unchanged"),
      ...(result.invokeResponse === undefined ? {} : { "invoke-response": result.invokeResponse }),
    },
  };
};
