import { getInputs, getTools } from "../../github/ocir-login/inputs.ts";
import { ocirLogin } from "../../steps/ocir-login.ts";
import type { CommandRunner } from "../command.ts";
import { cliOciProfile } from "../oci-profile.ts";

export const run: CommandRunner = async ({ read, ctx, env, cleanup }) => {
  const inputs = getInputs(read);
  const ociProfile = inputs.ociProfile ?? cliOciProfile(env, ctx.homeDir);
  const result = await ocirLogin({ ...inputs, ...(ociProfile ? { ociProfile } : {}) }, ctx, await getTools());
  if (result.cleanup) cleanup.addOcirLogin(result.cleanup);
  return {
    outputs: {
      registry: result.registry,
      username: result.username,
      namespace: result.namespace,
      "image-prefix": result.imagePrefix,
    },
  };
};
