import type { PipelineResult } from "../../steps/pipeline.ts";
import { writeRunSummary } from "../run-summary.ts";

/** One table for the whole run: what was deployed where, and every smoke check. Never a secret. */
export async function writePipelineSummary(run: PipelineResult): Promise<void> {
  const rows: string[][] = [];
  if (run.deployed)
    rows.push(["Function", `${run.deployed.functionName} (${run.deployed.action})`, run.deployed.image]);
  if (run.gateway)
    rows.push(["API", `${run.gateway.deploymentName} (${run.gateway.action})`, run.gateway.url]);
  if (run.token)
    rows.push(["Token", `Entra v${run.token.claims.version}`, `aud ${run.token.claims.audience}`]);
  if (run.rolledBack)
    rows.push(["Rollout", "rolled back", "the previous function image and deployment specification"]);
  await writeRunSummary("pipeline", rows, run);
}
