import { warningRows } from "../../preflight/report.ts";
import type { PreflightResult } from "../preflight.ts";

/** preflight's outputs, by the names in actions/preflight/action.yml, for both adapters. */
export function preflightOutputs(result: PreflightResult): Record<string, string> {
  return {
    results: JSON.stringify(result.rows),
    blocked: String(result.blocked),
    warnings: String(warningRows(result.rows).length),
  };
}
