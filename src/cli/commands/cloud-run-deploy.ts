import { getInputs, getTools } from "../../inputs/cloud-run-deploy.ts";
import { cloudRunDeploy } from "../../steps/cloud-run-deploy.ts";
import type { CommandRunner } from "../command.ts";
import { ciOidcToken } from "../oidc-token.ts";

export const run: CommandRunner = async ({ read, ctx, env }) => {
  const inputs = getInputs(read);
  const tools = await getTools();
  const result = await cloudRunDeploy(inputs, ctx, {
    ...tools,
    githubIdToken: ciOidcToken(env, ctx.secrets),
  });
  return { outputs: { url: result.url, revision: result.revision, changed: String(result.changed) } };
};
