import { getInputs } from "../../inputs/teardown.ts";
import { teardown } from "../../steps/teardown.ts";
import type { CommandRunner } from "../command.ts";
import { requireCliOciProfile } from "../oci-profile.ts";
import { ciOidcToken } from "../oidc-token.ts";

export const run: CommandRunner = async ({ read, ctx, env }) => {
  const inputs = getInputs(read, () => requireCliOciProfile(env, ctx.homeDir));
  if (inputs.cloud === "fc" && inputs.credentials.kind === "oidc") {
    // Outside GitHub the RAM OIDC provider must trust the CI system's issuer, and its token is given.
    const audience = read.optional("oidc-audience") ?? "sts.aliyuncs.com";
    inputs.credentials.githubIdToken = () => ciOidcToken(env, ctx.secrets)(audience);
  }
  const result = await teardown(inputs, ctx, {
    githubIdToken: ciOidcToken(env, ctx.secrets),
  });
  return { outputs: { deleted: JSON.stringify(result.deleted), count: String(result.deleted.length) } };
};
