// A stand-in for the docker CLI, for the moments the real one cannot be made to show or hit on purpose.
// It records what it was given in its folder: a login's argv (login-argv), its stdin (login-stdin) and
// every process's command line while it runs (cmdlines: a secret must be in none); each build's pid and
// argv, one line each (builds). It stores a login as docker does without a credential helper:
// config.json's auths.<host>.auth = base64(user:password). `build --help` answers as the legacy
// builder; a build prints its first step and never ends (until it is killed); a push prints a line,
// then waits for the file `go` (only a caller that streams output can let it go on), prints an
// unterminated last line and exits 3. A login can signal its parent, the action's node process, right
// after storing the credential (a cancelled run), and a logout can fail.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface DockerStandIn {
  /** The folder holding what it recorded. */
  dir: string;
  /** The stand-in's own path; its folder has a space in its name, which a command line must survive. */
  docker: string;
  /** PATH with the stand-in first and the real tools (sh, base64, sleep) after it. */
  path: string;
  /** A file the stand-in recorded, or undefined when it never wrote it. */
  recorded(name: "login-argv" | "login-stdin" | "cmdlines" | "builds"): Promise<string | undefined>;
  dispose(): Promise<void>;
}

export interface StandInBehaviour {
  /** After writing the login: send this signal to the action's process (a cancelled run), then hang. */
  killParentAfterLogin?: "TERM" | "KILL";
  /** `docker logout` fails with this message. */
  logoutFails?: string;
}

export async function dockerStandIn(behaviour: StandInBehaviour = {}): Promise<DockerStandIn> {
  const dir = await mkdtemp(join(tmpdir(), "fngate-docker-stand-in-"));
  const bin = join(dir, "docker bin");
  await mkdir(bin);
  const afterLogin = behaviour.killParentAfterLogin
    ? `kill -${behaviour.killParentAfterLogin} "$PPID"; exec sleep 120`
    : `echo "Login Succeeded"`;
  const logout = behaviour.logoutFails
    ? `echo ${JSON.stringify(behaviour.logoutFails)} >&2; exit 1`
    : `echo "Removing login credentials for $2"`;
  const script = `#!/bin/sh
out=${JSON.stringify(dir)}
case "$1" in
  login)
    printf '%s\\n' "$@" > "$out/login-argv"
    password=$(cat)
    printf '%s' "$password" > "$out/login-stdin"
    for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f"; echo; done > "$out/cmdlines" 2>/dev/null
    config="\${DOCKER_CONFIG:-$HOME/.docker}"
    mkdir -p "$config"
    auth=$(printf '%s:%s' "$4" "$password" | base64 -w0)
    umask 077
    printf '{"auths":{"%s":{"auth":"%s"}}}\\n' "$2" "$auth" > "$config/config.json"
    ${afterLogin} ;;
  logout)
    ${logout} ;;
  build)
    if [ "$2" = "--help" ]; then echo "Usage:  docker build [OPTIONS] PATH | URL | -"; exit 0; fi
    echo "$$ $*" >> "$out/builds"
    echo "Step 1/2 : FROM scratch"
    exec sleep 300 ;;
  push)
    echo "The push refers to repository [registry.example/ns/hello]"
    echo "pushing layers" >&2
    i=0
    while [ ! -f "$out/go" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
    [ -f "$out/go" ] || exit 9
    printf '1: digest: sha256:%064d size: 528' 0
    exit 3 ;;
  *)
    echo "docker stand-in: $1 is not supported" >&2; exit 1 ;;
esac
`;
  const docker = join(bin, "docker");
  await writeFile(docker, script);
  await chmod(docker, 0o755);
  return {
    dir,
    docker,
    path: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    recorded: (name) => readFile(join(dir, name), "utf8").catch(() => undefined),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Whether a process (a stand-in's build, say) is still running. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
