import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DockerCli } from "../docker/docker-cli.ts";
import { basicAuth, withAuthEntry } from "../docker/docker-config.ts";
import { UserError } from "../errors.ts";
import { writeIfChanged } from "../fs/write-if-changed.ts";
import type { StepContext } from "../step-context.ts";
import type { OcirCredential } from "./ocir-credential.ts";

export interface OcirTools {
  /** The docker CLI; undefined when it is not installed. */
  docker: DockerCli | undefined;
  /** Where docker (and podman, crane…) read config.json: $DOCKER_CONFIG or ~/.docker. */
  dockerConfigDir: string;
}

export type LoginMethod = "docker login" | "docker config";

/** Where the registry stands for the messages: the tenancy namespace and region a token is for. */
export interface LoginTarget {
  registry: string;
  namespace: string;
  regionId: string;
}

export function loginMethod(tools: OcirTools): LoginMethod {
  return tools.docker ? "docker login" : "docker config";
}

export function dockerConfigFile(tools: OcirTools): string {
  return join(tools.dockerConfigDir, "config.json");
}

/**
 * Logs docker in with the password on standard input, or, without docker, writes the login to
 * config.json (0600) where podman, buildah and crane find it.
 */
export async function dockerLogin(
  credential: OcirCredential,
  target: LoginTarget,
  tools: OcirTools,
  ctx: StepContext,
): Promise<void> {
  const auth = basicAuth(credential.username, credential.password);
  ctx.secrets.register(auth);
  if (!tools.docker) {
    const configFile = dockerConfigFile(tools);
    const existing = await readFile(configFile, "utf8").catch(() => undefined);
    await writeIfChanged(configFile, withAuthEntry(existing, target.registry, auth));
    return;
  }
  const result = await tools.docker.run(
    ["login", target.registry, "--username", credential.username, "--password-stdin"],
    { stdin: credential.password, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );
  if (result.code !== 0) throw explainLoginFailure(credential, target, result.stderr || result.stdout);
}

function explainLoginFailure(credential: OcirCredential, target: LoginTarget, output: string): UserError {
  const reason = lastLine(output);
  const { registry } = target;
  if (/connection refused|no such host|timeout|i\/o timeout|dial tcp/i.test(reason)) {
    return new UserError(
      `docker login to ${registry} failed: the registry could not be reached (${reason}). Check region and registry.`,
    );
  }
  if (credential.kind === "registry token") {
    return new UserError(
      `docker login to ${registry} with a registry token was refused (${reason}): the token is for tenancy namespace ${target.namespace} in region ${target.regionId}; check that registry is that region's OCIR host and that the user may use the tenancy's repositories (a policy such as "allow group <group> to manage repos in tenancy"), or set auth-token and username.`,
    );
  }
  return new UserError(
    `docker login to ${registry} as ${credential.username} was refused (${reason}). Likely causes: the username form (OCIR expects <namespace>/<user>, or <namespace>/<identity-domain>/<user> for federated or identity-domain users such as oracleidentitycloudservice: set identity-domain); auth-token is wrong, or was created moments ago and is not active yet; or the user has no policy allowing it to use the tenancy's repositories.`,
  );
}

export function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim() || "no output";
}
