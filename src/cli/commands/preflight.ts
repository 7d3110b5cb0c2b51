import { getInputs } from "../../inputs/preflight.ts";
import { blockedError, warningRows } from "../../preflight/report.ts";
import { runPreflight } from "../../steps/preflight.ts";
import type { CommandRunner } from "../command.ts";
import { cliOciProfile } from "../oci-profile.ts";
import { ciOidcToken } from "../oidc-token.ts";

/** The preflight action from the command line: the rows go to stderr, --json carries them as `results`. */
export const run: CommandRunner = async ({ read, ctx, env }) => {
  const inputs = getInputs(read, cliOciProfile(env, ctx.homeDir));
  if (inputs.fc?.credentials.kind === "oidc") {
    // As in `fngate fc-deploy`: outside GitHub the CI system's OIDC token is given.
    const audience = read.optional("oidc-audience") ?? "sts.aliyuncs.com";
    inputs.fc.credentials.githubIdToken = () => ciOidcToken(env, ctx.secrets)(audience);
  }
  // Google's keyless credential exchanges the CI's OIDC token, as cloud-run-deploy does.
  const tools = inputs.gcp ? { githubIdToken: ciOidcToken(env, ctx.secrets) } : {};
  const result = await runPreflight(inputs, ctx, tools);
  return {
    outputs: {
      results: JSON.stringify(result.rows),
      blocked: String(result.blocked),
      warnings: String(warningRows(result.rows).length),
    },
    ...(result.blocked ? { failure: blockedError(result.rows).message } : {}),
  };
};
