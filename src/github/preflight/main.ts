import * as core from "@actions/core";
import { githubTokenSource } from "../../inputs/gcp-id-token.ts";
import { getInputs } from "../../inputs/preflight.ts";
import { blockedError, warningRows } from "../../preflight/report.ts";
import { runPreflight } from "../../steps/preflight.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";
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
