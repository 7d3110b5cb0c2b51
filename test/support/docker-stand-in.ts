// A stand-in for the docker CLI, for the moments the real one cannot be made to hit on purpose: a
// login that has written the credential to config.json when the step is cancelled (it signals its
// parent, the action's node process, right then), or a logout that fails. It stores the login as
// docker does without a credential helper: config.json's auths.<host>.auth = base64(user:password).
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface DockerStandIn {
  /** Put first on PATH. */
  dir: string;
  /** PATH with the stand-in first and the real tools (sh, base64) after it. */
  path: string;
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
  const afterLogin = behaviour.killParentAfterLogin
    ? `kill -${behaviour.killParentAfterLogin} "$PPID"; exec sleep 120`
    : `echo "Login Succeeded"`;
  const logout = behaviour.logoutFails
    ? `echo ${JSON.stringify(behaviour.logoutFails)} >&2; exit 1`
    : `echo "Removing login credentials for $2"`;
  const script = `#!/bin/sh
case "$1" in
  login)
    password=$(cat)
    config="\${DOCKER_CONFIG:-$HOME/.docker}"
    mkdir -p "$config"
    auth=$(printf '%s:%s' "$4" "$password" | base64 -w0)
    umask 077
    printf '{"auths":{"%s":{"auth":"%s"}}}\\n' "$2" "$auth" > "$config/config.json"
    ${afterLogin} ;;
  logout)
    ${logout} ;;
  *)
    echo "docker stand-in: $1 is not supported" >&2; exit 1 ;;
esac
`;
  await writeFile(join(dir, "docker"), script);
  await chmod(join(dir, "docker"), 0o755);
  return {
    dir,
    path: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
