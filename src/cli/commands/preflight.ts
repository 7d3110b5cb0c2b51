import { readPreflightInputs } from "../../inputs/preflight.ts";
import { blockedError } from "../../preflight/report.ts";
import { preflightOutputs } from "../../steps/outputs/preflight.ts";
import { googleTokenSource } from "../../tools/step-tools.ts";
import type { CommandRunner } from "../command.ts";

/** The preflight action from the command line: the rows go to stderr, --json carries them as `results`. */
export const run: CommandRunner = async ({ read, host, tools, ctx }) => {
  const inputs = readPreflightInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { runPreflight } = await import("../../steps/preflight.ts");
  // Google's keyless credential exchanges the CI's OIDC token, as cloud-run-deploy does.
  const result = await runPreflight(inputs, ctx, inputs.gcp ? googleTokenSource(tools) : {});
  return {
    outputs: preflightOutputs(result),
    ...(result.blocked ? { failure: blockedError(result.rows).message } : {}),
  };
};
