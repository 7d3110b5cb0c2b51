import { getInputs, getTools } from "../../inputs/fn-deploy.ts";
import { dockerConfigDir } from "../../inputs/ocir-login.ts";
import { deployFunction } from "../../steps/fn-deploy.ts";
import type { CommandRunner } from "../command.ts";
import { commitSha } from "../commit-sha.ts";
import { requireCliOciProfile } from "../oci-profile.ts";

export const run: CommandRunner = async ({ read, ctx, env, cleanup }) => {
  const inputs = { ...getInputs(read, requireCliOciProfile(env, ctx.homeDir)), ...commitSha(env) };
  const tools = await getTools();
  // A registry token login of `fngate ocir-login` (newest first) is renewed around the push.
  const tokenLogin = [...cleanup.load().ocirLogin].reverse().find((login) => login.tokenLogin)?.tokenLogin;
  if (tokenLogin && !tools.registryLogin)
    tools.registryLogin = { tokenLogin, dockerConfigDir: dockerConfigDir() };
  const result = await deployFunction(inputs, ctx, tools);
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
