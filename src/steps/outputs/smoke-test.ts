import type { SmokeTestResult } from "../smoke-test.ts";

/** smoke-test's outputs, by the names in actions/smoke-test/action.yml, for both adapters. */
export function smokeTestOutputs(result: SmokeTestResult): Record<string, string> {
  return { passed: String(result.passed), results: JSON.stringify(result.results) };
}
