import { readSmokeTestInputs } from "../../inputs/smoke-test.ts";
import { smokeTestOutputs } from "../../steps/outputs/smoke-test.ts";
import type { CommandRunner } from "../command.ts";

/** The step logs each check's line itself; the verdict is the command's exit code. */
export const run: CommandRunner = async ({ read, ctx }) => {
  const inputs = readSmokeTestInputs(read);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { failureSummary, runSmokeTest } = await import("../../steps/smoke-test.ts");
  const result = await runSmokeTest(inputs, ctx);
  return {
    outputs: smokeTestOutputs(result),
    ...(result.passed ? {} : { failure: failureSummary(result) }),
  };
};
