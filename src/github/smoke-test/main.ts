import * as core from "@actions/core";
import { UserError } from "../../errors.ts";
import { getInputs } from "../../inputs/smoke-test.ts";
import { failureSummary, runSmokeTest } from "../../steps/smoke-test.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";

await runMain(async () => {
  const inputs = getInputs();
  const result = await runSmokeTest(inputs, actionStepContext());
  core.setOutput("passed", String(result.passed));
  core.setOutput("results", JSON.stringify(result.results));
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addHeading(`fngate: smoke test ${result.passed ? "passed" : "FAILED"}`, 3)
      .addTable([
        ["Check", "Expected", "Answered", "Latency", "Verdict"].map((data) => ({ data, header: true })),
        ...result.results.map((r) => [
          r.check,
          r.expected,
          r.answered,
          `${r.latencyMs} ms`,
          r.passed ? "✅" : "❌",
        ]),
      ])
      .write();
  }
  if (!result.passed) throw new UserError(failureSummary(result));
});
