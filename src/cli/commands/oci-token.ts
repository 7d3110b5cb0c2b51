import { writePrivateFile } from "../../fs/secure-file.ts";
import { readOciTokenInputs } from "../../inputs/oci-token.ts";
import { ociTokenOutputs } from "../../steps/outputs/oci-token.ts";
import type { CommandRunner } from "../command.ts";

/** The token itself only ever goes to --token-file (0600): the CLI never prints a token. */
export const run: CommandRunner = async ({ read, ctx, flag }) => {
  const inputs = readOciTokenInputs(read);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { ociToken } = await import("../../steps/oci-token.ts");
  const result = await ociToken(inputs, ctx);
  const tokenFile = flag("token-file");
  if (tokenFile) await writePrivateFile(tokenFile, result.accessToken);
  return {
    outputs: { ...(tokenFile ? { "access-token-file": tokenFile } : {}), ...ociTokenOutputs(result) },
  };
};
