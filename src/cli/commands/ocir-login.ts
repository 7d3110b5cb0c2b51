import { getInputs, getTools } from "../../inputs/ocir-login.ts";
import { type OcirCleanup, ocirLogin } from "../../steps/ocir-login.ts";
import type { CommandRunner } from "../command.ts";
import { cliOciProfile } from "../oci-profile.ts";

export const run: CommandRunner = async ({ read, ctx, env, cleanup }) => {
  const inputs = getInputs(read);
  const ociProfile = inputs.ociProfile ?? cliOciProfile(env, ctx.homeDir);
  let recorded: OcirCleanup | undefined;
  const result = await ocirLogin(
    { ...inputs, ...(ociProfile ? { ociProfile } : {}) },
    ctx,
    await getTools(),
    {
      // On disk before docker login runs: a login killed mid-way is still undone by `fngate cleanup`.
      onCleanup: (next) => {
        if (next) cleanup.putOcirLogin(next);
        else if (recorded) cleanup.removeOcirLogin(recorded);
        recorded = next;
      },
    },
  );
  return {
    outputs: {
      registry: result.registry,
      username: result.username,
      namespace: result.namespace,
      "image-prefix": result.imagePrefix,
      "token-expires-at": result.tokenLogin?.expiresAt ?? "",
    },
  };
};
