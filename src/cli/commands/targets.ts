import { readEveryInput } from "../../inputs/reader.ts";
import { readTargetsInputs } from "../../inputs/targets-action.ts";
import { targetsOutputs } from "../../steps/outputs/targets.ts";
import type { CommandRunner } from "../command.ts";

/** The list checked and shown; --json prints the matrix (for a CI system's own matrix, e.g. GitLab's parallel:matrix). */
export const run: CommandRunner = async ({ read, host, ctx }) => {
  const inputs = readEveryInput(read, (all) => readTargetsInputs(all, host));
  for (const t of inputs.targets) ctx.logger.info(`${t.name}: ${t.region}`);
  return { outputs: targetsOutputs(inputs) };
};
