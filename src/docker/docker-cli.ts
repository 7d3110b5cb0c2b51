import { findExecutable, runTool, type ToolResult } from "./run-tool.ts";

/**
 * The docker CLI as fngate uses it: a small interface so steps can log in, build and push with the
 * real client, and tests can see exactly which commands ran.
 */
export type DockerResult = ToolResult;

export interface DockerRunOptions {
  /** Goes to docker's standard input (`--password-stdin`): a secret is never an argument. */
  stdin?: string;
  cwd?: string;
  /** The step's deadline: stops the docker process, so a build or push does not outlive the step. */
  signal?: AbortSignal;
  /**
   * Receives docker's output line by line while it runs: the step's log, for the long commands
   * (build, push). Left out for commands whose output is parsed or may be sensitive (login, logout,
   * inspect): their output is only returned.
   */
  onLine?: (line: string) => void;
}

export interface DockerCli {
  path: string;
  run(args: string[], options?: DockerRunOptions): Promise<DockerResult>;
}

/** Finds docker on PATH; undefined when it is not installed (podman/buildah-only runners). */
export async function findDocker(
  pathVariable: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<DockerCli | undefined> {
  const path = await findExecutable("docker", pathVariable);
  return path === undefined ? undefined : dockerAt(path, env);
}

/** docker at `path`, run through @actions/exec (see run-tool.ts) with `env` as its whole environment. */
export function dockerAt(path: string, env: NodeJS.ProcessEnv): DockerCli {
  return {
    path,
    run: (args, options = {}) => runTool(path, args, { ...options, env }),
  };
}
