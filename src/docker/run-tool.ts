import { AsyncLocalStorage } from "node:async_hooks";
import type { ChildProcess } from "node:child_process";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { exec } from "@actions/exec";
import { WaitInterrupted } from "../deadline.ts";

/** How a tool ended: its exit code and everything it printed. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ToolRun {
  /** The tool's whole environment. */
  env: NodeJS.ProcessEnv;
  /** Written to the tool's standard input, which is then closed: where secrets go, never argv. */
  stdin?: string;
  cwd?: string;
  /** Stops the tool (SIGTERM) when it fires; the run then rejects with WaitInterrupted. */
  signal?: AbortSignal;
  /**
   * Receives each non-blank line of stdout and stderr as the tool prints it (a build's progress into
   * the step's log). Without it the output is only returned: for output that is parsed, or that may
   * hold a secret.
   */
  onLine?: (line: string) => void;
}

/**
 * Which run a process being spawned belongs to. @actions/exec spawns the child itself and hands it to
 * no one, and its spawn options take no AbortSignal; Node publishes every ChildProcess it creates on
 * the documented `child_process` diagnostics channel, synchronously, inside the call that spawns it, so
 * the async context of that call (this store, entered around exec) names the run the child is for,
 * even when several tools start at once. A key, not state: each run enters it with its own token.
 */
const spawning = new AsyncLocalStorage<object>();

/**
 * Runs a command-line tool with @actions/exec as fngate needs it: the exit code read rather than thrown
 * on, stdout and stderr returned, nothing written to this process's stdout (on GitHub that is the log,
 * where lines must pass through the step's logger; in the CLI it is the --json channel), secrets on
 * stdin only, and the tool stopped when `signal` fires.
 */
export async function runTool(path: string, args: readonly string[], run: ToolRun): Promise<ToolResult> {
  const { signal } = run;
  const activity = `running ${[path.split("/").pop(), args[0]].filter(Boolean).join(" ")}`;
  if (signal?.aborted) throw new WaitInterrupted(activity, signal.reason);
  const token = {};
  let child: ChildProcess | undefined;
  const stop = () => {
    // Before spawn() has a pid there is nothing to signal yet: the "spawn" handler below stops it.
    if (child?.pid !== undefined) child.kill();
  };
  const onProcess = (message: unknown) => {
    if (spawning.getStore() !== token) return;
    const created = (message as { process: ChildProcess }).process;
    child = created;
    created.once("spawn", () => {
      // A tool that exits without reading its standard input (docker logout) closes the pipe first:
      // EPIPE there is not a failure of ours (exec attaches no handler), the exit code says how it went.
      created.stdin?.on("error", () => {});
      if (signal?.aborted) created.kill();
    });
  };
  const stdout = lineCollector(run.onLine);
  const stderr = lineCollector(run.onLine);
  subscribe("child_process", onProcess);
  signal?.addEventListener("abort", stop, { once: true });
  try {
    const code = await spawning.run(token, () =>
      // exec() splits its first argument like a shell line: the path is quoted so a folder with a space works.
      exec(`"${path.replaceAll('"', '\\"')}"`, [...args], {
        env: run.env as Record<string, string>,
        ...(run.cwd ? { cwd: run.cwd } : {}),
        // Always given, even empty, so standard input is closed and nothing waits on it.
        input: Buffer.from(run.stdin ?? "", "utf8"),
        // No "[command]..." echo and no copy of the output on process.stdout.
        silent: true,
        ignoreReturnCode: true,
        listeners: { stdout: stdout.write, stderr: stderr.write },
      }),
    );
    if (signal?.aborted) throw new WaitInterrupted(activity, signal.reason);
    return { code: code ?? 1, stdout: stdout.end(), stderr: stderr.end() };
  } finally {
    signal?.removeEventListener("abort", stop);
    unsubscribe("child_process", onProcess);
  }
}

/** Keeps a stream's whole text and hands each complete line on as it arrives. */
function lineCollector(onLine: ((line: string) => void) | undefined) {
  const decoder = new StringDecoder("utf8");
  let text = "";
  let pending = "";
  const emit = (lines: string[]) => {
    for (const line of lines) if (line.trim() !== "") onLine?.(line.trimEnd());
  };
  return {
    write: (chunk: Buffer) => {
      const decoded = decoder.write(chunk);
      text += decoded;
      if (!onLine) return;
      const lines = (pending + decoded).split("\n");
      pending = lines.pop() ?? "";
      emit(lines);
    },
    end: (): string => {
      const rest = decoder.end();
      text += rest;
      emit([pending + rest]);
      pending = "";
      return text;
    },
  };
}

/** The first executable `name` in the folders of a PATH value; undefined when none has it. */
export async function findExecutable(
  name: string,
  pathVariable: string | undefined,
): Promise<string | undefined> {
  for (const dir of (pathVariable ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}
