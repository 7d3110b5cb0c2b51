import type { DockerCli } from "../docker/docker-cli.ts";
import type { RegistryLogin } from "../docker/docker-credentials.ts";
import { recordContextTag, reuseImage } from "../docker/image-reuse.ts";
import {
  type DockerConfigPaths,
  dockerLogin,
  dockerLogout,
  lastLine,
  type RegistryCleanup,
} from "../docker/registry-login.ts";
import type { RegistryAccess } from "../docker/registry-session.ts";
import { UserError } from "../errors.ts";
import {
  type BuildSource,
  type BuiltFunctionImage,
  buildFunctionImage,
  CLOUD_RUN_PLATFORM,
  repositoryOf,
} from "./function-image.ts";

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
  /**
   * The login docker stored for a host (the job's own docker/login-action): how the registry is asked
   * for an image built from the same source when cloud-run-deploy does not log in itself.
   */
  storedLogin?(host: string): Promise<RegistryLogin | undefined>;
  registerSecret(value: string): void;
  log(line: string): void;
  warn(line: string): void;
  /** The step's log section for the build and push (a reused image needs none). */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
  signal?: AbortSignal;
}

// Artifact Registry takes an OAuth access token as the password of this user
// (https://docs.cloud.google.com/artifact-registry/docs/docker/authentication).
const ACCESS_TOKEN_USER = "oauth2accesstoken";

/**
 * The function's image pinned by digest: the one the registry already holds from the same source when
 * there is one (see src/docker/image-reuse.ts: no login, no build, no push), else built and pushed
 * (see buildAndPushImage) and tagged with its context hash for the next run.
 */
export async function pushFunctionImage(push: FunctionPush): Promise<string> {
  const access = registryAccess(push);
  const reuse = await reuseImage({
    image: push.image,
    contextDir: push.source.contextDir,
    dockerfile: push.source.dockerfile,
    platform: CLOUD_RUN_PLATFORM,
    access,
    log: push.log,
    warn: push.warn,
  });
  if (reuse.reused) return `${repositoryOf(push.image)}@${reuse.digest}`;
  const pushed = await push.group(`docker build and push ${push.image}`, () => {
    push.log(`Building ${push.image} from ${push.source.dockerfile}.`);
    return buildAndPushImage(push);
  });
  push.log(`Pushed ${pushed.pinned}.`);
  if (pushed.contextHash) {
    await recordContextTag(push.image, pushed.digest, pushed.contextHash, access, push.log, push.warn);
  }
  return pushed.pinned;
}

/**
 * What the registry API calls (the reuse check, the context tag) present: the deployer's access token
 * on the host cloud-run-deploy logs in to itself (the token is the password there, no docker login
 * needed), docker's stored login on any other.
 */
function registryAccess(push: FunctionPush): RegistryAccess {
  return {
    login: async (host) => {
      if (host === push.loginHost) return { username: ACCESS_TOKEN_USER, password: await push.accessToken() };
      return push.storedLogin?.(host);
    },
    registerSecret: (value) => push.registerSecret(value),
    ...(push.signal ? { signal: push.signal } : {}),
  };
}

/**
 * Builds and pushes the function's image, logged in to its registry with the deployer's own access
 * token (so keyless deploys need no registry secret), and logs out as soon as the push is done.
 */
async function buildAndPushImage(push: FunctionPush): Promise<BuiltFunctionImage> {
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
