import type { TeardownResult } from "../teardown-types.ts";

/** teardown's outputs, by the names in actions/teardown/action.yml, for both adapters. */
export function teardownOutputs(result: TeardownResult): Record<string, string> {
  return { deleted: JSON.stringify(result.deleted), count: String(result.deleted.length) };
}
