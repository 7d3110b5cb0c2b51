import { writePrivateFile } from "../../fs/secure-file.ts";
import { readOciTokenInputs } from "../../inputs/oci-token.ts";
import { ociToken } from "../../steps/oci-token.ts";
import { ociTokenOutputs } from "../../steps/outputs/oci-token.ts";
import type { CommandRunner } from "../command.ts";

/** The token itself only ever goes to --token-file (0600): the CLI never prints a token. */
export const run: CommandRunner = async ({ read, ctx, flag }) => {
  const result = await ociToken(readOciTokenInputs(read), ctx);
  const tokenFile = flag("token-file");
  if (tokenFile) await writePrivateFile(tokenFile, result.accessToken);
  return {
    outputs: { ...(tokenFile ? { "access-token-file": tokenFile } : {}), ...ociTokenOutputs(result) },
  };
};
