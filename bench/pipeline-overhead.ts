// P1, P2 and P2b: the whole pipeline (`fngate pipeline`, a fresh CI job) against emulators that take as
// long as the cloud does to settle. P1: wall time / the critical path of the latencies injected (the function ACTIVE and the work
// request SUCCEEDED side by side, then gateway propagation), which no tool can beat; what is left is our overhead
// (process start, docker build and push, token, checks, polling overshoot). P2: the same pipeline
// again with nothing changed: mutating calls and wall time. P2b: the same again on a fresh runner
// (a new CLI job: new HOME and TMPDIR, the function's images removed from the local docker), where
// only the registry remembers the image: docker builds and pushes (counted by a wrapper in front of
// the real docker CLI), mutating calls and wall time.
import { isMutating, type RequestLogEntry } from "../test/emulators/oci/request-log.ts";
import { dockerRecorder, removeLocalImages } from "../test/support/docker-recorder.ts";
import { cliJob, mustSucceed } from "./cli-runs.ts";
import { type BenchWorld, criticalPathMs, type Latencies, startBenchWorld } from "./world.ts";

export interface OverheadFigures {
  latencies: Latencies;
  wallMs: number;
  ratio: number;
  /** Calls per wait: GetFunction polls, GetWorkRequest polls, smoke-test attempts with the token. */
  functionPolls: number;
  workRequestPolls: number;
  smokeAttempts: number;
  noop?: { wallMs: number; mutatingCalls: number; changed: string };
  fresh?: { wallMs: number; builds: number; pushes: number; mutatingCalls: number; changed: string };
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
    // Where the time went, stage by stage (the CLI's timeline lines), next to the table.
    const timeline = run.stderr
      .split("\n")
      .filter((line) => /^\[pipeline\] [a-z-]+: [\d.]+ s to /.test(line));
    console.error(`  timeline of the ${(run.ms / 1000).toFixed(2)} s run:\n  ${timeline.join("\n  ")}`);
    const results = JSON.parse(run.outputs.results ?? "[]") as { check: string; attempts: number }[];
    const figures: OverheadFigures = {
      latencies,
      wallMs: run.ms,
      ratio: run.ms / criticalPathMs(latencies),
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
      figures.fresh = await freshRunner(world);
    }
    return figures;
  } finally {
    await job.dispose();
    await world.close();
  }
}

/** P2b: the pipeline once more in a new CLI job, with docker holding no image of the function. */
async function freshRunner(world: BenchWorld): Promise<NonNullable<OverheadFigures["fresh"]>> {
  const recorder = await dockerRecorder();
  const job = await cliJob(world.env, world.functionDir);
  try {
    const removed = await removeLocalImages(`${world.registry.host}/${world.namespace}/bench`);
    // None would mean the name is wrong and the "fresh" runner still had the image.
    if (removed === 0) throw new Error("P2b: docker held no image of the bench function to remove");
    const { requests } = world.stack.oci;
    const before = requests.length;
    const run = mustSucceed(
      "fresh-runner run",
      await job.run(["pipeline"], world.pipelineFlags("bench"), { PATH: recorder.path }),
    );
    const counts = await recorder.counts();
    return {
      wallMs: run.ms,
      builds: counts.builds,
      pushes: counts.pushes,
      mutatingCalls: requests.slice(before).filter(isMutating).length,
      changed: run.outputs.changed ?? "?",
    };
  } finally {
    await job.dispose();
    await recorder.dispose();
  }
}
