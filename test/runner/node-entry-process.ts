// Starts one action entry (index.js or post.js) the way the runner's NodeScriptActionHandler
// does: `node <entry>` with the step's environment, the workspace as working directory, and
// nothing inherited from the test process.
import { spawn } from "node:child_process";

export interface EntryProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The entry's process group when something the action started outlived it (a daemon, say). */
  leftoverProcessGroup: number | undefined;
}

export interface EntryProcessOptions {
  entry: string;
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
  /** A slow reader: after each 64 KB of stdout or stderr, read nothing more for this long. */
  readerPauseMs?: number | undefined;
  /** The first signal sent at the timeout (SIGTERM, as the runner does; SIGKILL for a hard stop). */
  timeoutSignal?: NodeJS.Signals | undefined;
  /** Stops the entry as the timeout would, as soon as this settles. */
  cancelWhen?: Promise<unknown> | undefined;
}

/** What a Linux pipe holds before a writer has to wait. */
const PIPE_BYTES = 64 * 1024;
/** After a timeout, SIGTERM first so the action can clean up, then SIGKILL. */
const killGraceMs = 2000;
/** How long to wait for the pipes to drain after the entry exits (a grandchild may hold them). */
const drainMs = 2000;

export function runEntryProcess(options: EntryProcessOptions): Promise<EntryProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.entry], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a timeout also stops anything the action started (docker, fn).
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const pauseMs = options.readerPauseMs;
    if (pauseMs !== undefined) {
      for (const stream of [child.stdout, child.stderr]) {
        // Pausing after each pipe's worth (not each chunk, whose size depends on timing) keeps the
        // pipe full while the writer still has output, and bounds the whole read to a few pauses.
        let unpaused = 0;
        stream.on("data", (chunk: Buffer) => {
          unpaused += chunk.length;
          if (unpaused < PIPE_BYTES) return;
          unpaused = 0;
          stream.pause();
          setTimeout(() => stream.resume(), pauseMs);
        });
      }
    }

    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const timers: NodeJS.Timeout[] = [];
    const signalGroup = (signal: NodeJS.Signals): void => {
      if (child.pid !== undefined) killProcessGroup(child.pid, signal);
    };
    let settled = false;
    const stop = (): void => {
      if (timedOut || settled) return;
      timedOut = true;
      signalGroup(options.timeoutSignal ?? "SIGTERM");
      timers.push(setTimeout(() => signalGroup("SIGKILL"), killGraceMs));
    };
    timers.push(setTimeout(stop, options.timeoutMs));
    void options.cancelWhen?.finally(stop).catch(() => undefined);

    const finish = (): void => {
      if (settled || exit === undefined) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        exitCode: exit.code,
        signal: exit.signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        leftoverProcessGroup:
          child.pid !== undefined && killProcessGroup(child.pid, 0) ? child.pid : undefined,
      });
    };
    child.on("error", (error) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      reject(error);
    });
    // After the exit, the pipes may still hold output (a slow reader has not taken it yet): wait for them
    // to close, giving up only when nothing has arrived for drainMs (a grandchild holding them open).
    let drainTimer: NodeJS.Timeout | undefined;
    const armDrain = (): void => {
      if (exit === undefined) return;
      if (drainTimer) clearTimeout(drainTimer);
      drainTimer = setTimeout(finish, drainMs + (pauseMs ?? 0));
      timers.push(drainTimer);
    };
    for (const stream of [child.stdout, child.stderr]) stream.on("data", armDrain);
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      armDrain();
    });
    child.on("close", finish);
  });
}

/** Signals a whole process group; false when the group no longer exists. */
export function killProcessGroup(group: number, signal: NodeJS.Signals | 0 = "SIGKILL"): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
}
