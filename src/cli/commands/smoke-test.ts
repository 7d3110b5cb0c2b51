import { readSmokeTestInputs } from "../../inputs/smoke-test.ts";
import { smokeTestOutputs } from "../../steps/outputs/smoke-test.ts";
import { failureSummary, runSmokeTest } from "../../steps/smoke-test.ts";
import type { CommandRunner } from "../command.ts";

/** The step logs each check's line itself; the verdict is the command's exit code. */
export const run: CommandRunner = async ({ read, ctx }) => {
  const result = await runSmokeTest(readSmokeTestInputs(read), ctx);
  return {
    outputs: smokeTestOutputs(result),
    ...(result.passed ? {} : { failure: failureSummary(result) }),
  };
};
