// The real docker CLI behind a recording wrapper: put `dir` first on PATH and every docker command a
// step runs is appended to a log (its arguments, one line per command) before the real docker runs
// it. What proves a deploy built and pushed nothing is the wrapper's log, not the step's own word.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface DockerRecorder {
  /** Holds the wrapper, named docker. */
  dir: string;
  /** The wrapper's own path. */
  docker: string;
  /** PATH with the wrapper first, then the test process's PATH. */
  path: string;
  /** `docker build` runs (not `docker build --help`) and `docker push` runs since the last reset. */
  counts(): Promise<{ builds: number; pushes: number; logins: number }>;
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

export async function dockerRecorder(): Promise<DockerRecorder> {
  const real = (await run("sh", ["-c", "command -v docker"])).stdout.trim();
  if (!real) throw new Error("docker is not on PATH");
  const dir = await mkdtemp(join(tmpdir(), "fngate-docker-recorder-"));
  const log = join(dir, "commands.log");
  const docker = join(dir, "docker");
  // Arguments joined by a unit separator: no secret ever is one (logins use --password-stdin).
  await writeFile(
    docker,
    `#!/bin/sh\n(IFS=$(printf '\\037'); printf '%s\\n' "$*") >> ${JSON.stringify(log)}\nexec ${JSON.stringify(real)} "$@"\n`,
  );
  await chmod(docker, 0o755);
  await writeFile(log, "");
  /** Every command run since the last reset, as its argument list. */
  const commands = async () =>
    (await readFile(log, "utf8"))
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.split("\x1f"));
  return {
    dir,
    docker,
    path: `${dir}${delimiter}${process.env.PATH ?? "/usr/bin:/bin"}`,
    counts: async () => {
      const all = await commands();
      return {
        builds: all.filter((args) => args[0] === "build" && !args.includes("--help")).length,
        pushes: all.filter((args) => args[0] === "push").length,
        logins: all.filter((args) => args[0] === "login").length,
      };
    },
    reset: () => writeFile(log, ""),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * What a fresh runner's docker has of a repository: nothing. Removes every local image whose name
 * starts with `repository` (all its tags), so a deploy after this could only reuse what the registry
 * holds, never what this machine's docker kept.
 */
export async function removeLocalImages(repository: string): Promise<number> {
  const listed = await run("docker", ["image", "ls", "--format", "{{.Repository}} {{.Tag}} {{.ID}}"]);
  const names = new Set<string>();
  for (const line of listed.stdout.split("\n")) {
    const [name = "", tag = "", id = ""] = line.trim().split(" ");
    if (name !== repository && !name.startsWith(`${repository}/`)) continue;
    // An image whose tag moved on is listed as <none>, a name docker image rm refuses: remove it by ID.
    names.add(tag === "<none>" ? id : `${name}:${tag}`);
  }
  if (names.size > 0) await run("docker", ["image", "rm", "--force", ...names]);
  return names.size;
}
