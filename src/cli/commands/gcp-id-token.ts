import { writePrivateFile } from "../../fs/secure-file.ts";
import { getInputs } from "../../inputs/gcp-id-token.ts";
import { checkTokenFormat, gcpAccessToken, gcpIdToken } from "../../steps/gcp-id-token.ts";
import type { CommandRunner } from "../command.ts";
import { ciOidcToken } from "../oidc-token.ts";

/** The token itself only ever goes to --token-file (0600): the CLI never prints a token. */
export const run: CommandRunner = async ({ read, ctx, env, flag }) => {
  const tools = { githubIdToken: ciOidcToken(env, ctx.secrets) };
  const inputs = getInputs(read);
  const tokenFile = flag("token-file");
  if (checkTokenFormat(inputs.tokenFormat, inputs.audience) === "access-token") {
    const access = await gcpAccessToken(inputs, ctx, tools);
    if (tokenFile) await writePrivateFile(tokenFile, access.accessToken);
    return {
      outputs: {
        ...(tokenFile ? { "access-token-file": tokenFile } : {}),
        email: access.email,
        ...(access.expiresOn ? { "expires-on": access.expiresOn.toISOString() } : {}),
      },
    };
  }
  const result = await gcpIdToken(inputs, ctx, tools);
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
