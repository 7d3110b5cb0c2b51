import { readFnContextInputs } from "../../inputs/fn-context.ts";
import { fnContextOutputs } from "../../steps/outputs/fn-context.ts";
import { exportFnContext } from "../export-profile.ts";
import { runMain } from "../run.ts";
import { restorePlanState } from "./state.ts";
import { writeSummary } from "./summary.ts";

await runMain(async ({ read, host, ctx, setOutputs }) => {
  const inputs = readFnContextInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { configureFnContext } = await import("../../steps/fn-context.ts");
  const result = await configureFnContext(inputs, ctx(), {
    onRestorePlan: (plan) => restorePlanState.save(plan),
  });
  setOutputs(fnContextOutputs(result));
  exportFnContext(result);
  await writeSummary(result, inputs);
});
