import * as core from "@actions/core";
import { blockedError, warningRows } from "../../preflight/report.ts";
import { runPreflight } from "../../steps/preflight.ts";
import { githubTokenSource } from "../gcp-id-token/inputs.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";
import { getInputs } from "./inputs.ts";
import { writePreflightSummary } from "./summary.ts";

await runMain(async () => {
  const inputs = getInputs();
  // Google's keyless credential exchanges the job's GitHub OIDC token, as cloud-run-deploy does.
  const result = await runPreflight(inputs, actionStepContext(), inputs.gcp ? githubTokenSource() : {});
  core.setOutput("results", JSON.stringify(result.rows));
  core.setOutput("blocked", String(result.blocked));
  core.setOutput("warnings", String(warningRows(result.rows).length));
  await writePreflightSummary(result.rows);
  if (result.blocked) throw blockedError(result.rows);
});
