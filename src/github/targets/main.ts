import { UserError } from "../../errors.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { readTargetsInputs } from "../../inputs/targets-action.ts";
import { targetsOutputs } from "../../steps/outputs/targets.ts";
import { reportTargetResults } from "../../steps/target-results.ts";
import { runMain } from "../run.ts";
import { writeTableSummary } from "../settings-summary.ts";

await runMain(async ({ read, host, ctx, setOutputs }) => {
  const inputs = readEveryInput(read, (all) => readTargetsInputs(all, host));
  const { targets } = inputs;
  const { logger } = ctx();
  if (inputs.results === undefined) {
    for (const t of targets)
      logger.info(`${t.name}: ${t.region}${t.suffix ? ` (resource names end in ${t.suffix})` : ""}`);
    setOutputs(targetsOutputs(inputs));
    await writeTableSummary(
      `fngate: ${targets.length} target${targets.length === 1 ? "" : "s"}`,
      ["Target", "Region"],
      targets.map((t) => [t.name, t.region]),
    );
    return;
  }
  const report = await reportTargetResults(inputs.results, targets, ctx());
  for (const line of report.lines) logger.info(line);
  setOutputs({ results: JSON.stringify(report.results) });
  await writeTableSummary(
    "fngate: every target",
    ["Target", "Region", "Result"],
    report.results.map((r) => [
      r.target,
      r.region,
      r.outcome === "success" ? r.url || "ok" : `failed (${r.outcome})`,
    ]),
  );
  if (report.failed.length > 0) {
    throw new UserError(
      `${report.failed.length} of ${targets.length} targets failed (${report.failed.join(", ")}): see each one's deploy job.`,
    );
  }
});
