import { readEveryInput } from "../../inputs/reader.ts";
import { readTargetsInputs } from "../../inputs/targets-action.ts";
import { targetsOutputs } from "../../steps/outputs/targets.ts";
import { runMain } from "../run.ts";
import { writeTableSummary } from "../settings-summary.ts";

await runMain(async ({ read, host, ctx, setOutputs }) => {
  const inputs = readEveryInput(read, (all) => readTargetsInputs(all, host));
  for (const t of inputs.targets)
    ctx().logger.info(`${t.name}: ${t.region}${t.suffix ? ` (resource names end in ${t.suffix})` : ""}`);
  setOutputs(targetsOutputs(inputs));
  await writeTableSummary(
    `fngate: ${inputs.targets.length} target${inputs.targets.length === 1 ? "" : "s"}`,
    ["Target", "Region"],
    inputs.targets.map((t) => [t.name, t.region]),
  );
});
