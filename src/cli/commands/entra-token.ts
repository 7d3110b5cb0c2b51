import { writePrivateFile } from "../../fs/secure-file.ts";
import { getInputs } from "../../inputs/entra-token.ts";
import { entraToken } from "../../steps/entra-token.ts";
import type { CommandRunner } from "../command.ts";
import { ciOidcToken } from "../oidc-token.ts";

export const run: CommandRunner = async ({ read, ctx, env, flag }) => {
  const inputs = getInputs(read);
  const result = await entraToken(inputs, ctx, {
    githubIdToken: ciOidcToken(env, ctx.secrets),
  });
  const tokenFile = flag("token-file");
  if (tokenFile) await writePrivateFile(tokenFile, result.accessToken);
  const { claims } = result;
  return {
    outputs: {
      ...(tokenFile ? { "access-token-file": tokenFile } : {}),
      "expires-on": result.expiresOn.toISOString(),
      issuer: claims.issuer,
      audience: claims.audience,
      version: claims.version,
      roles: claims.roles.join(","),
      "tenant-id": claims.tenantId,
    },
  };
};
