import type { CloudRunPipelineResult } from "../../steps/cloud-run-pipeline.ts";
import { writeRunSummary } from "../run-summary.ts";

/** One table for the whole run (the service, the token's audience and caller, every check), and the timeline. */
export async function writeCloudRunPipelineSummary(run: CloudRunPipelineResult): Promise<void> {
  const rows: string[][] = [];
  if (run.deployed) {
    const { deployed } = run;
    rows.push([
      "Service",
      `${deployed.revision} (${deployed.changed ? "changed" : "unchanged"})`,
      deployed.url,
    ]);
    const { rollout } = deployed;
    if (rollout) {
      const verdict = rollout.promoted ? "promoted" : rollout.rolledBack ? "rolled back" : "not promoted";
      rows.push(["Traffic", `revision ${rollout.revision} ${verdict}`, rollout.traffic]);
    }
  }
  if (run.token)
    rows.push(["Token", `Google ID token for ${run.token.claims.audience}`, run.token.claims.email]);
  await writeRunSummary("cloud-run-pipeline", rows, run, "an earlier stage");
}
