/**
 * A run's outputs as the action and the CLI must both give them: the smoke checks' latencies differ
 * from run to run, everything else must not.
 */
export function comparableOutputs(outputs: Record<string, string>): Record<string, unknown> {
  const results = JSON.parse(outputs.results ?? "[]") as Record<string, unknown>[];
  return { ...outputs, results: results.map(({ latencyMs: _latency, ...check }) => check) };
}
