import { writePrivateFile } from "../../fs/secure-file.ts";
import { getInputs } from "../../inputs/oci-token.ts";
import { ociToken } from "../../steps/oci-token.ts";
import type { CommandRunner } from "../command.ts";

/** The token itself only ever goes to --token-file (0600): the CLI never prints a token. */
export const run: CommandRunner = async ({ read, ctx, flag }) => {
  const result = await ociToken(getInputs(read), ctx);
  const tokenFile = flag("token-file");
  if (tokenFile) await writePrivateFile(tokenFile, result.accessToken);
  return {
    outputs: {
      ...(tokenFile ? { "access-token-file": tokenFile } : {}),
      "expires-in": String(result.expiresInSeconds),
      "expires-on": result.expiresOn.toISOString(),
      "token-type": result.tokenType,
      scope: result.scopes.join(" "),
      ...(result.claims.issuer ? { issuer: result.claims.issuer } : {}),
      ...(result.claims.audience ? { audience: result.claims.audience } : {}),
    },
  };
};
