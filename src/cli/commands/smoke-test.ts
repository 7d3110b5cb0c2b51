import { getInputs } from "../../inputs/smoke-test.ts";
import { failureSummary, runSmokeTest } from "../../steps/smoke-test.ts";
import type { CommandRunner } from "../command.ts";

export const run: CommandRunner = async ({ read, ctx }) => {
  const result = await runSmokeTest(getInputs(read), ctx);
  for (const check of result.results) {
    ctx.logger.info(
      `${check.passed ? "ok  " : "FAIL"} ${check.check}: ${check.answered} (expected ${check.expected})`,
    );
  }
  return {
    outputs: { passed: String(result.passed), results: JSON.stringify(result.results) },
    ...(result.passed ? {} : { failure: failureSummary(result) }),
  };
};
