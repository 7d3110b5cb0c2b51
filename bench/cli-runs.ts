// Runs the built CLI for a benchmark: a fresh HOME and TMPDIR per run (as a fresh CI job has), the
// wall time, and the parsed --json result.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flagsOf, runCli } from "../test/support/cli-process.ts";

export interface TimedRun {
  exitCode: number;
  ms: number;
  outputs: Record<string, string>;
  stderr: string;
}

export interface CliJob {
  run(args: string[], flags?: Record<string, string>, env?: Record<string, string>): Promise<TimedRun>;
  dispose(): Promise<void>;
}

/**
 * One "CI job": runs share HOME (like the steps of one job), the environment is `baseEnv` only; `cwd`
 * is the checkout the CLI runs in (its path inputs must stay inside it).
 */
export async function cliJob(baseEnv: Record<string, string>, cwd?: string): Promise<CliJob> {
  const root = await mkdtemp(join(tmpdir(), "fngate-bench-job-"));
  const home = join(root, "home");
  const tmp = join(root, "tmp");
  await mkdir(home, { mode: 0o700 });
  await mkdir(tmp, { mode: 0o700 });
  return {
    async run(args, flags = {}, env = {}) {
      const started = performance.now();
      const result = await runCli(
        [...args, ...flagsOf(flags), "--json"],
        {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: home,
          TMPDIR: tmp,
          ...baseEnv,
          ...env,
        },
        cwd,
      );
      const ms = performance.now() - started;
      let outputs: Record<string, string> = {};
      try {
        outputs = (JSON.parse(result.stdout) as { outputs?: Record<string, string> }).outputs ?? {};
      } catch {
        // a failed run prints its error on stderr; the caller reports it
      }
      return { exitCode: result.exitCode, ms, outputs, stderr: result.stderr };
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

export function mustSucceed(what: string, run: TimedRun): TimedRun {
  if (run.exitCode !== 0) throw new Error(`${what} failed (exit ${run.exitCode}):\n${run.stderr}`);
  return run;
}
