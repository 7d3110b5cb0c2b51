import { UserError } from "../../errors.ts";
import { readSmokeTestInputs } from "../../inputs/smoke-test.ts";
import { smokeTestOutputs } from "../../steps/outputs/smoke-test.ts";
import { runMain } from "../run.ts";
import { writeTableSummary } from "../settings-summary.ts";

await runMain(async ({ read, ctx, setOutputs }) => {
  const inputs = readSmokeTestInputs(read);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { failureSummary, runSmokeTest } = await import("../../steps/smoke-test.ts");
  const result = await runSmokeTest(inputs, ctx());
  setOutputs(smokeTestOutputs(result));
  await writeTableSummary(
    `fngate: smoke test ${result.passed ? "passed" : "FAILED"}`,
    ["Check", "Expected", "Answered", "Latency", "Verdict"],
    result.results.map((r) => [r.check, r.expected, r.answered, `${r.latencyMs} ms`, r.passed ? "✅" : "❌"]),
  );
  if (!result.passed) throw new UserError(failureSummary(result));
});
