import { join } from "node:path";
import { findDocker } from "../docker/docker-cli.ts";
import { dockerLogin } from "../docker/docker-credentials.ts";
import { readImagePlatforms } from "../docker/image-platforms.ts";
import type { GithubTokenSource } from "../gcp/credential-choice.ts";
import type { InputHost } from "../inputs/input-host.ts";
import type { CloudRunDeployTools } from "../steps/cloud-run-deploy.ts";
import type { EntraTokenTools } from "../steps/entra-token.ts";
import type { FnDeployTools } from "../steps/fn-deploy.ts";
import type { OcirTools, TokenLogin } from "../steps/ocir-login.ts";

/**
 * What both adapters hand a step besides its inputs: the docker CLI found on PATH, docker's config
 * folder, and the CI system's OIDC token. Each adapter gives its own environment and token source.
 */
export interface ToolSources {
  /** PATH and DOCKER_CONFIG are read here; docker itself gets the whole environment. */
  env: NodeJS.ProcessEnv;
  homeDir: string;
  idToken: InputHost["idToken"];
}

/** Where docker reads config.json: $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir({ env, homeDir }: ToolSources): string {
  return env.DOCKER_CONFIG || join(homeDir, ".docker");
}

export async function dockerTools(sources: ToolSources): Promise<OcirTools> {
  return {
    docker: await findDocker(sources.env.PATH, sources.env),
    dockerConfigDir: dockerConfigDir(sources),
  };
}

/** Docker, and the registry token login an earlier ocir-login made (renewed around the push). */
export async function fnDeployTools(sources: ToolSources, tokenLogin?: TokenLogin): Promise<FnDeployTools> {
  const configDir = dockerConfigDir(sources);
  return {
    docker: await findDocker(sources.env.PATH, sources.env),
    ...(tokenLogin ? { registryLogin: { tokenLogin, dockerConfigDir: configDir } } : {}),
    storedLogin: (host) => dockerLogin(configDir, host, sources.env),
    imagePlatforms: (reference, options) =>
      readImagePlatforms(reference, {
        ...options,
        login: (host) => dockerLogin(configDir, host, sources.env),
      }),
  };
}

export function entraTools(sources: ToolSources): EntraTokenTools {
  return { githubIdToken: (audience) => sources.idToken(audience, "federated: true") };
}

/** The CI's OIDC token, exchanged with Google STS by workload identity federation. */
export function googleTokenSource(sources: ToolSources): GithubTokenSource {
  return {
    githubIdToken: (audience) =>
      sources.idToken(
        audience,
        "workload-identity-provider",
        "the GitHub OIDC token is exchanged with Google STS",
      ),
  };
}

export async function cloudRunTools(sources: ToolSources): Promise<CloudRunDeployTools> {
  const docker = await dockerTools(sources);
  return {
    ...googleTokenSource(sources),
    ...docker,
    storedLogin: (host) => dockerLogin(docker.dockerConfigDir, host, sources.env),
  };
}
