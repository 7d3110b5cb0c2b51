import type { DockerCli } from "../docker/docker-cli.ts";
import {
  type DockerConfigPaths,
  dockerLogin,
  dockerLogout,
  lastLine,
  type RegistryCleanup,
} from "../docker/registry-login.ts";
import { UserError } from "../errors.ts";
import { type BuildSource, buildFunctionImage } from "./function-image.ts";

export interface FunctionPush {
  docker: DockerCli;
  source: BuildSource;
  /** The tag to build and push. */
  image: string;
  /** The registry host to log docker in to first; undefined when the job logged in itself. */
  loginHost: string | undefined;
  /** The deployer's OAuth access token (the same credential the deploy uses). */
  accessToken(): Promise<string>;
  /** Who the access token speaks for, for messages. */
  principal: string;
  paths: DockerConfigPaths;
  /** Receives the login's cleanup before docker changes anything (the action's post step keeps it). */
  recordLogin?: (cleanup: RegistryCleanup) => void;
  registerSecret(value: string): void;
  log(line: string): void;
  warn(line: string): void;
  signal?: AbortSignal;
}

// Artifact Registry takes an OAuth access token as the password of this user
// (https://docs.cloud.google.com/artifact-registry/docs/docker/authentication).
const ACCESS_TOKEN_USER = "oauth2accesstoken";

/**
 * Builds and pushes the function's image, logged in to its registry with the deployer's own access
 * token (so keyless deploys need no registry secret), and logs out as soon as the push is done.
 * Returns the image pinned by digest.
 */
export async function pushFunctionImage(push: FunctionPush): Promise<string> {
  const host = push.loginHost;
  const build = (options: { loggedInAs?: string } = {}) =>
    buildFunctionImage(
      push.docker,
      push.source,
      push.image,
      push.paths.tempDir,
      push.log,
      push.signal,
      options,
    );
  if (!host) return build();
  const password = await push.accessToken();
  push.registerSecret(password);
  const login = await dockerLogin(
    push.docker,
    { registry: host, username: ACCESS_TOKEN_USER, password },
    push.paths,
    push.recordLogin,
  );
  if (!login.ok) {
    throw new UserError(
      `docker login to ${host} with ${push.principal}'s access token was refused (${lastLine(login.output)}): grant ${push.principal} roles/artifactregistry.writer on the image's repository, check image names a repository that exists, or set registry-login: never and log in before cloud-run-deploy.`,
    );
  }
  push.log(`Logged in to ${host} as ${ACCESS_TOKEN_USER} with ${push.principal}'s access token.`);
  try {
    return await build({ loggedInAs: push.principal });
  } finally {
    if (await dockerLogout(push.docker, login.cleanup, push.warn))
      push.log(`Logged out of ${host}; docker's config.json is as it was before.`);
  }
}
