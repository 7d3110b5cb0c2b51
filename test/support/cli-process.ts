// Runs the built CLI (dist/cli/index.js, the package's `bin`) as a child process, the way a GitLab or
// Jenkins job would: its own HOME and TMPDIR, no GITHUB_* variables, secrets in FNGATE_* variables.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { snapshotTrees, type TreeSnapshot } from "../runner/tree-snapshot.ts";

export const CLI_ENTRY = resolve(import.meta.dirname, "../../dist/cli/index.js");

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliSandbox {
  root: string;
  home: string;
  tmp: string;
  run(args: readonly string[], env?: Record<string, string>): Promise<CliRun>;
  /** HOME and TMPDIR, to compare before and after. */
  snapshot(): Promise<TreeSnapshot>;
  /** Every output so far and every file left under the sandbox, for secret scans. */
  allWrittenText(): Promise<string>;
  dispose(): Promise<void>;
  /** `await using sandbox = await cliSandbox()` removes it when the block ends. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * `cwd` is the CLI's working directory, the workspace its path inputs must stay inside (the test's own
 * working directory by default).
 */
export async function cliSandbox(
  baseEnv: Record<string, string> = {},
  options: { cwd?: string } = {},
): Promise<CliSandbox> {
  const root = await mkdtemp(join(tmpdir(), "fngate-cli-"));
  const home = join(root, "home");
  const tmp = join(root, "tmp");
  await mkdir(home, { mode: 0o700 });
  await mkdir(tmp, { mode: 0o700 });
  const outputs: string[] = [];
  return {
    root,
    home,
    tmp,
    async run(args, env = {}) {
      const result = await runCli(
        args,
        {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: home,
          TMPDIR: tmp,
          ...baseEnv,
          ...env,
        },
        options.cwd,
      );
      outputs.push(result.stdout, result.stderr);
      return result;
    },
    snapshot: () => snapshotTrees(root, [home, tmp]),
    async allWrittenText() {
      const parts = [...outputs];
      for (const entry of (await snapshotTrees(root, [root])).values()) {
        if (entry.kind === "file" && entry.content) parts.push(entry.content.toString("utf8"));
      }
      return parts.join("\n");
    },
    dispose: () => rm(root, { recursive: true, force: true }),
    [Symbol.asyncDispose]: () => rm(root, { recursive: true, force: true }),
  };
}

/** Runs `node dist/cli/index.js ...args` with exactly `env` (nothing inherited), in `cwd` when given. */
export function runCli(args: readonly string[], env: Record<string, string>, cwd?: string): Promise<CliRun> {
  return runExecutable(process.execPath, [CLI_ENTRY, ...args], env, cwd);
}

/** `command ...args` with exactly `env` (nothing inherited), in `cwd` when given: any fngate executable. */
export function runExecutable(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      ...(cwd === undefined ? {} : { cwd }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ exitCode: code ?? -1, stdout, stderr }));
  });
}

/** Flags from an inputs record (`{ "user-ocid": "x" }` -> `--user-ocid x`), skipping empty values. */
export function flagsOf(inputs: Record<string, string>): string[] {
  return Object.entries(inputs)
    .filter(([, value]) => value !== "")
    .flatMap(([name, value]) => [`--${name}`, value]);
}

/** FNGATE_* variables for inputs a CLI user passes through the environment (the secrets). */
export function envOf(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`FNGATE_${name.toUpperCase().replace(/-/g, "_")}`, value]),
  );
}
