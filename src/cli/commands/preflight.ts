import { getInputs } from "../../github/preflight/inputs.ts";
import { blockedError, warningRows } from "../../preflight/report.ts";
import { runPreflight } from "../../steps/preflight.ts";
import type { CommandRunner } from "../command.ts";
import { cliOciProfile } from "../oci-profile.ts";

/** The preflight action from the command line: the rows go to stderr, --json carries them as `results`. */
export const run: CommandRunner = async ({ read, ctx, env }) => {
  const result = await runPreflight(getInputs(read, cliOciProfile(env, ctx.homeDir)), ctx);
  return {
    outputs: {
      results: JSON.stringify(result.rows),
      blocked: String(result.blocked),
      warnings: String(warningRows(result.rows).length),
    },
    ...(result.blocked ? { failure: blockedError(result.rows).message } : {}),
  };
};
