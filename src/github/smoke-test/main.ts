import * as core from "@actions/core";
import { UserError } from "../../errors.ts";
import { readSmokeTestInputs } from "../../inputs/smoke-test.ts";
import { smokeTestOutputs } from "../../steps/outputs/smoke-test.ts";
import { failureSummary, runSmokeTest } from "../../steps/smoke-test.ts";
import { runMain } from "../run.ts";

await runMain(async ({ read, env, ctx, setOutputs }) => {
  const inputs = readSmokeTestInputs(read);
  const result = await runSmokeTest(inputs, ctx());
  setOutputs(smokeTestOutputs(result));
  if (env.GITHUB_STEP_SUMMARY) {
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
