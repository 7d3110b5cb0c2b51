import { getInputs } from "../../inputs/fc-deploy.ts";
import { fcDeploy } from "../../steps/fc-deploy.ts";
import type { CommandRunner } from "../command.ts";
import { ciOidcToken } from "../oidc-token.ts";

export const run: CommandRunner = async ({ read, ctx, env }) => {
  const inputs = getInputs(read);
  const { credentials } = inputs;
  if (credentials.kind === "oidc") {
    // Outside GitHub the RAM OIDC provider must trust the CI system's issuer, and its token is given.
    const audience = read.optional("oidc-audience") ?? "sts.aliyuncs.com";
    credentials.githubIdToken = () => ciOidcToken(env, ctx.secrets)(audience);
  }
  const result = await fcDeploy(inputs, ctx);
  return {
    outputs: {
      "function-arn": result.functionArn,
      changed: String(result.changed),
      ...(result.invokeResult === undefined ? {} : { "invoke-result": result.invokeResult }),
    },
  };
};
