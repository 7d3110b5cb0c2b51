import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";

/**
 * The docker CLI as fngate uses it: a small interface so steps can log in, build and push with the
 * real client, and tests can see exactly which commands ran.
 */
export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DockerCli {
  path: string;
  /** `signal` (the step's deadline) stops the docker process: a build or push does not outlive the step. */
  run(
    args: string[],
    options?: { stdin?: string; cwd?: string; signal?: AbortSignal },
  ): Promise<DockerResult>;
}

/** Finds docker on PATH; undefined when it is not installed (podman/buildah-only runners). */
export async function findDocker(
  pathVariable: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<DockerCli | undefined> {
  for (const dir of (pathVariable ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "docker");
    try {
      await access(candidate, constants.X_OK);
      return dockerAt(candidate, env);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export function dockerAt(path: string, env: NodeJS.ProcessEnv): DockerCli {
  return {
    path,
    run: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(path, args, {
          cwd: options.cwd,
          env,
          stdio: ["pipe", "pipe", "pipe"],
          ...(options.signal ? { signal: options.signal } : {}),
        });
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        child.on("error", reject);
        // A command that exits without reading its standard input (docker logout) closes the pipe
        // first: EPIPE there is not a failure of ours, the exit code says how the command went.
        child.stdin.on("error", () => {});
        child.on("close", (code) =>
          resolve({
            code: code ?? 1,
            stdout: Buffer.concat(stdout).toString("utf8"),
            stderr: Buffer.concat(stderr).toString("utf8"),
          }),
        );
        child.stdin.end(options.stdin ?? "");
      }),
  };
}
