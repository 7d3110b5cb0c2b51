import * as core from "@actions/core";
import { describeError, UserError } from "../errors.ts";

/**
 * The job's GitHub OIDC token for `audience`, from the runner's token endpoint. `asker` is the input
 * setting that needs it ("auth: oidc", "role-to-assume"), so both failures name what the user set;
 * `why` may say what the token is for.
 */
export async function githubOidcToken(
  env: NodeJS.ProcessEnv,
  audience: string,
  asker: string,
  why = "",
): Promise<string> {
  // The runner sets these only for jobs allowed to mint an OIDC token.
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new UserError(
      `${asker} needs \`permissions: id-token: write\` in the workflow or job${why ? ` (${why})` : ""}.`,
    );
  }
  try {
    return await core.getIDToken(audience);
  } catch (error) {
    const reason = describeError(error);
    throw new UserError(
      `${asker.replace(/: true$/, "")}: the GitHub OIDC token request failed (${reason.slice(0, 200)}): check that the job has \`permissions: id-token: write\`.`,
    );
  }
}
