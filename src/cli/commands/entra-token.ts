import { writePrivateFile } from "../../fs/secure-file.ts";
import { readEntraTokenInputs } from "../../inputs/entra-token.ts";
import { entraTokenOutputs } from "../../steps/outputs/entra-token.ts";
import { entraTools } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

/** The token itself only ever goes to --token-file (0600): the CLI never prints a token. */
export const run: CommandRunner = async ({ read, tools, ctx, flag }) => {
  const inputs = readEntraTokenInputs(read);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { entraToken } = await import("../../steps/entra-token.ts");
  const result = await entraToken(inputs, ctx, entraTools(tools));
  const tokenFile = flag("token-file");
  if (tokenFile) await writePrivateFile(tokenFile, result.accessToken);
  return {
    outputs: { ...(tokenFile ? { "access-token-file": tokenFile } : {}), ...entraTokenOutputs(result) },
  };
};
