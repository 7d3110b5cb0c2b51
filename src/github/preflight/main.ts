import { readPreflightInputs } from "../../inputs/preflight.ts";
import { blockedError } from "../../preflight/report.ts";
import { preflightOutputs } from "../../steps/outputs/preflight.ts";
import { googleTokenSource } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";
import { writePreflightSummary } from "./summary.ts";

await runMain(async ({ read, host, tools, ctx, setOutputs }) => {
  const inputs = readPreflightInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { runPreflight } = await import("../../steps/preflight.ts");
  // Google's keyless credential exchanges the job's GitHub OIDC token, as cloud-run-deploy does.
  const result = await runPreflight(inputs, ctx(), inputs.gcp ? googleTokenSource(tools) : {});
  setOutputs(preflightOutputs(result));
  await writePreflightSummary(result.rows);
  if (result.blocked) throw blockedError(result.rows);
});
