import { writePrivateFile } from "../../fs/secure-file.ts";
import { getInputs } from "../../github/gcp-id-token/inputs.ts";
import { gcpIdToken } from "../../steps/gcp-id-token.ts";
import type { CommandRunner } from "../command.ts";
import { ciOidcToken } from "../oidc-token.ts";

/** The token itself only ever goes to --token-file (0600): the CLI never prints a token. */
export const run: CommandRunner = async ({ read, ctx, env, flag }) => {
  const tools = { githubIdToken: ciOidcToken(env, ctx.secrets) };
  const result = await gcpIdToken(getInputs(read), ctx, tools);
  const tokenFile = flag("token-file");
  if (tokenFile) await writePrivateFile(tokenFile, result.idToken);
  const { claims } = result;
  return {
    outputs: {
      ...(tokenFile ? { "id-token-file": tokenFile } : {}),
      issuer: claims.issuer,
      audience: claims.audience,
      email: claims.email,
      subject: claims.subject,
      "expires-on": claims.expiresOn.toISOString(),
    },
  };
};
