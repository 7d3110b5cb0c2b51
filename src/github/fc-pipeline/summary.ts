import type { FcPipelineResult } from "../../steps/fc-pipeline.ts";
import { writeRunSummary } from "../run-summary.ts";

/** One table for the whole run (the function and its trigger, the token, every check), and the timeline. */
export async function writeFcPipelineSummary(run: FcPipelineResult): Promise<void> {
  const rows: string[][] = [];
  if (run.deployed) {
    const { deployed } = run;
    rows.push(["Function", deployed.changed ? "changed" : "unchanged", deployed.functionArn]);
    rows.push(["HTTP trigger", describeChanges(deployed.triggerChanges ?? []), deployed.url ?? ""]);
    const { rollout } = deployed;
    if (rollout) {
      const verdict = rollout.promoted
        ? "promoted"
        : rollout.rolledBack
          ? "not promoted: failed the smoke test"
          : "not promoted";
      const before = rollout.previousVersion ? `, before: version ${rollout.previousVersion}` : "";
      rows.push(["Rollout", `version ${rollout.version} ${verdict}`, `alias${before}`]);
    }
  }
  if (run.token)
    rows.push(["Token", `Entra access token for ${run.token.claims.audience}`, run.token.claims.issuer]);
  await writeRunSummary("fc-pipeline", rows, run, "an earlier stage");
}

function describeChanges(changes: readonly string[]): string {
  if (changes.length === 0) return "unchanged";
  return changes[0] === "created" ? "created" : `updated: ${changes.join(", ")}`;
}
