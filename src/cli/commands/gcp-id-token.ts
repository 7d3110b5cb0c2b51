import { writePrivateFile } from "../../fs/secure-file.ts";
import { checkTokenFormat } from "../../gcp/token-format.ts";
import { readGcpIdTokenInputs } from "../../inputs/gcp-id-token.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { gcpAccessTokenOutputs, gcpIdTokenOutputs } from "../../steps/outputs/gcp-id-token.ts";
import { googleTokenSource } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

/** The token itself only ever goes to --token-file (0600): the CLI never prints a token. */
export const run: CommandRunner = async ({ read, tools, ctx, flag }) => {
  const inputs = readEveryInput(read, (all) => readGcpIdTokenInputs(all));
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { gcpAccessToken, gcpIdToken } = await import("../../steps/gcp-id-token.ts");
  const tokenFile = flag("token-file");
  if (checkTokenFormat(inputs.tokenFormat, inputs.audience) === "access-token") {
    const access = await gcpAccessToken(inputs, ctx, googleTokenSource(tools));
    if (tokenFile) await writePrivateFile(tokenFile, access.accessToken);
    return {
      outputs: { ...(tokenFile ? { "access-token-file": tokenFile } : {}), ...gcpAccessTokenOutputs(access) },
    };
  }
  const result = await gcpIdToken(inputs, ctx, googleTokenSource(tools));
  if (tokenFile) await writePrivateFile(tokenFile, result.idToken);
  return { outputs: { ...(tokenFile ? { "id-token-file": tokenFile } : {}), ...gcpIdTokenOutputs(result) } };
};
