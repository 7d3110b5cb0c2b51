import { readEveryInput } from "../../inputs/reader.ts";
import { readTargetsInputs } from "../../inputs/targets-action.ts";
import { targetsOutputs } from "../../steps/outputs/targets.ts";
import { reportTargetResults } from "../../steps/target-results.ts";
import type { CommandRunner } from "../command.ts";

/**
 * The list checked and shown; --json prints the matrix (for a CI system's own parallel jobs, such as
 * GitLab's parallel:matrix). With --results, one line per target from what those jobs left.
 */
export const run: CommandRunner = async ({ read, host, ctx }) => {
  const inputs = readEveryInput(read, (all) => readTargetsInputs(all, host));
  if (inputs.results === undefined) {
    for (const t of inputs.targets) ctx.logger.info(`${t.name}: ${t.region}`);
    return { outputs: targetsOutputs(inputs) };
  }
  const report = await reportTargetResults(inputs.results, inputs.targets, ctx);
  for (const line of report.lines) ctx.logger.info(line);
  const outputs = { results: JSON.stringify(report.results) };
  if (report.failed.length === 0) return { outputs };
  const failure = `${report.failed.length} of ${inputs.targets.length} targets failed (${report.failed.join(", ")}).`;
  return { outputs, failure };
};
