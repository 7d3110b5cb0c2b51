// P1 and P2: the whole pipeline (`fngate pipeline`, a fresh CI job) against emulators that take as
// long as the cloud does to settle. P1: wall time / the latencies injected (function ACTIVE, work
// request SUCCEEDED, gateway propagation), which no tool can beat; what is left is our overhead
// (process start, docker build and push, token, checks, polling overshoot). P2: the same pipeline
// again with nothing changed: mutating calls and wall time.
import { isMutating, type RequestLogEntry } from "../test/emulators/oci/request-log.ts";
import { cliJob, mustSucceed } from "./cli-runs.ts";
import { injectedMs, type Latencies, startBenchWorld } from "./world.ts";

export interface OverheadFigures {
  latencies: Latencies;
  wallMs: number;
  ratio: number;
  /** Calls per wait: GetFunction polls, GetWorkRequest polls, smoke-test attempts with the token. */
  functionPolls: number;
  workRequestPolls: number;
  smokeAttempts: number;
  noop?: { wallMs: number; mutatingCalls: number; changed: string };
}

function count(requests: RequestLogEntry[], operation: string): number {
  return requests.filter((r) => r.operation === operation).length;
}

export async function measureOverhead(
  latencies: Latencies,
  options: { warmUp: boolean; noop: boolean },
): Promise<OverheadFigures> {
  const world = await startBenchWorld(latencies);
  const job = await cliJob(world.env, world.functionDir);
  try {
    // A warm-up deployment under another name: docker's first build and the first registry push are
    // one-off costs of a machine, not of the pipeline.
    if (options.warmUp) {
      mustSucceed("warm-up pipeline", await job.run(["pipeline"], world.pipelineFlags("warmup")));
    }
    const { requests } = world.stack.oci;
    const from = requests.length;
    const run = mustSucceed("pipeline", await job.run(["pipeline"], world.pipelineFlags("bench")));
    const calls = requests.slice(from);
    const results = JSON.parse(run.outputs.results ?? "[]") as { check: string; attempts: number }[];
    const figures: OverheadFigures = {
      latencies,
      wallMs: run.ms,
      ratio: run.ms / injectedMs(latencies),
      // One GetFunction reads the function before the wait starts; the rest are the wait's polls.
      functionPolls: count(calls, "GetFunction"),
      workRequestPolls: count(calls, "GetWorkRequest"),
      smokeAttempts: results.find((r) => r.check === "with token")?.attempts ?? 0,
    };
    if (options.noop) {
      const before = requests.length;
      const again = mustSucceed("no-op re-run", await job.run(["pipeline"], world.pipelineFlags("bench")));
      figures.noop = {
        wallMs: again.ms,
        mutatingCalls: requests.slice(before).filter(isMutating).length,
        changed: again.outputs.changed ?? "?",
      };
    }
    return figures;
  } finally {
    await job.dispose();
    await world.close();
  }
}
