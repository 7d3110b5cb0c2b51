import * as core from "@actions/core";
import { blockedError, warningRows } from "../../preflight/report.ts";
import { runPreflight } from "../../steps/preflight.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";
import { getInputs } from "./inputs.ts";
import { writePreflightSummary } from "./summary.ts";

await runMain(async () => {
  const result = await runPreflight(getInputs(), actionStepContext());
  core.setOutput("results", JSON.stringify(result.rows));
  core.setOutput("blocked", String(result.blocked));
  core.setOutput("warnings", String(warningRows(result.rows).length));
  await writePreflightSummary(result.rows);
  if (result.blocked) throw blockedError(result.rows);
});
