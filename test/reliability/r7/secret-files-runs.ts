// How the secret-files R7 cases run: an action in a job of its own (main, then post, optionally killed
// mid-way), or the built CLI in a sandbox (the command, optionally killed once it has written the key,
// then `fngate cleanup`); each returns the outcome the R7 contract judges.
import { type ChildProcess, spawn } from "node:child_process";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { diffSnapshots, Job, type StepResult, type TreeSnapshot } from "../../runner/index.ts";
import { CLI_ENTRY, cliSandbox } from "../../support/cli-process.ts";
import { actionOutcome, type HostileOutcome, leftAndWide } from "./hostile-case.ts";

/** Builds the user's HOME before the run: a dotfiles folder and the links into it. */
export type Prepare = (home: string) => Promise<void>;

/** The key fn-context writes, relative to HOME: a kill waits for it, so the kill lands mid-write. */
export const KEY_FILE = ".oci/fngate-DEFAULT.pem";

export interface JobCase {
  action: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  prepare?: Prepare;
  expect: HostileOutcome["expect"];
  secrets: string[];
  /** Stops the main step with this signal once it has written the key (a cancelled run). */
  kill?: NodeJS.Signals;
  /** What a later step could print while the step's files are in place (masked as the runner would). */
  laterStep?: (job: Job, main: StepResult) => Promise<string>;
}

/** One action in a job of its own (main, then post), judged by the R7 contract. */
export async function inJob(env: Record<string, string>, spec: JobCase): Promise<HostileOutcome> {
  const job = await Job.create({ env: { ...env, ...spec.env } });
  try {
    await spec.prepare?.(job.home);
    const before = await job.snapshot();
    const keyWritten =
      spec.kill && mustExist(join(job.home, KEY_FILE), "the key was written before the kill");
    const main = await job.run(spec.action, {
      inputs: spec.inputs,
      ...(keyWritten ? { cancelWhen: keyWritten, timeoutSignal: spec.kill } : {}),
    });
    await keyWritten;
    const pushed = writtenIntoDotfiles(before, await job.snapshot());
    const later = (await spec.laterStep?.(job, main)) ?? "";
    const posts = await job.runPosts({ cancelled: spec.kill !== undefined });
    const run = { main, posts, before, after: await job.snapshot(), writtenText: "" };
    // actionOutcome counts only files others may read: fn-context exists to hand a later step its key file.
    const outcome = actionOutcome(run, spec.expect, spec.secrets);
    const shown = `${outcome.shown}\n${pushed}\n${later}`;
    return { ...outcome, shown, ...(spec.kill ? { cancelled: true } : {}) };
  } finally {
    await job.dispose();
  }
}

/** A dotfiles folder is a repository that gets pushed: whatever fngate wrote into it is shown. */
function writtenIntoDotfiles(before: TreeSnapshot, now: TreeSnapshot): string {
  return diffSnapshots(before, now)
    .written.filter((file) => file.path.includes("/dotfiles/"))
    .map((file) => file.content.toString("utf8"))
    .join("\n");
}

export interface CliCase {
  prepare?: Prepare;
  /** The command under test; its exit code and error lines are judged. `fngate cleanup` follows. */
  args: string[];
  env: Record<string, string>;
  expect: HostileOutcome["expect"];
  secrets: string[];
  kill?: NodeJS.Signals;
}

/** The built CLI in a sandbox: the command, then `fngate cleanup`, judged by the R7 contract. */
export async function inCli(env: Record<string, string>, spec: CliCase): Promise<HostileOutcome> {
  const sandbox = await cliSandbox(env);
  try {
    await spec.prepare?.(sandbox.home);
    const before = await sandbox.snapshot();
    const run = spec.kill
      ? await killedMidWrite(
          spec.args,
          { ...env, ...spec.env, HOME: sandbox.home, TMPDIR: sandbox.tmp },
          join(sandbox.home, KEY_FILE),
          spec.kill,
        )
      : await sandbox.run(spec.args, spec.env);
    const pushed = writtenIntoDotfiles(before, await sandbox.snapshot());
    const cleanup = await sandbox.run(["cleanup"]);
    if (cleanup.exitCode !== 0) throw new Error(`fngate cleanup failed: ${cleanup.stderr}`);
    const errorLines = run.stderr
      .split("\n")
      .filter((line) => line.startsWith("error: "))
      .map((line) => line.slice("error: ".length));
    return {
      expect: spec.expect,
      exitCode: run.exitCode,
      errorLines,
      shown: `${run.stdout}\n${run.stderr}\n${pushed}\n${await sandbox.allWrittenText()}`,
      secrets: spec.secrets,
      ...leftAndWide(before, await sandbox.snapshot()),
      ...(spec.kill ? { cancelled: true } : {}),
    };
  } finally {
    await sandbox.dispose();
  }
}

/** Starts the CLI, waits until it has written the key, then kills it with `signal`. */
async function killedMidWrite(
  args: string[],
  env: Record<string, string>,
  keyFile: string,
  signal: NodeJS.Signals,
) {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collect(child);
  await mustExist(keyFile, "the key was written before the kill");
  child.kill(signal);
  const exitCode = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { exitCode, ...output() };
}

function collect(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return () => ({ stdout, stderr });
}

async function mustExist(path: string, premise: string, waitMs = 20_000): Promise<void> {
  const until = Date.now() + waitMs;
  const exists = () =>
    access(path).then(
      () => true,
      () => false,
    );
  for (;;) {
    if (await exists()) return;
    if (Date.now() >= until) throw new Error(`case premise failed: ${premise} (${path})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
