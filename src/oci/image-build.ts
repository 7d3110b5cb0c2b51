import type { DockerCli, DockerResult } from "../docker/docker-cli.ts";
import { UserError } from "../errors.ts";

/**
 * The docker side of a deploy: build, push, and the digest the function is pinned to. Deploying by
 * digest means a later push of the same tag cannot change what the function runs.
 */
export interface BuildRequest {
  /** The build context: the function directory. */
  contextDir: string;
  /** A Dockerfile outside the context (generated from func.yaml); the context's own otherwise. */
  dockerfile?: string;
  /** The tag reference to build and push. */
  image: string;
  /** The step's deadline: stops docker build/push when it fires. */
  signal?: AbortSignal;
  /** A registry token login ocir-login made for the image's registry, renewed around the push. */
  login?: PushLogin;
}

/**
 * A short-lived registry login (ocir-login without auth-token): renewed before a push that would
 * start too close to its expiry, and once after a push the registry refused as unauthorized.
 */
export interface PushLogin {
  registry: string;
  namespace: string;
  regionId: string;
  /** Renews the token when it expires before the push could be done. */
  beforePush(): Promise<void>;
  /** Renews the token whatever its expiry. */
  renew(): Promise<void>;
}

/** How docker reports a registry that wants (other) credentials: the token expired or was revoked. */
const UNAUTHORIZED = /unauthorized|authentication required|\b401\b/i;

const PUSHED_DIGEST = /digest: (sha256:[a-f0-9]{64}) size:/;

/** `log` receives docker's output line by line, so the build shows in the step's log. */
export async function buildAndPush(
  docker: DockerCli,
  request: BuildRequest,
  log: (line: string) => void,
): Promise<string> {
  const stoppable = request.signal ? { signal: request.signal } : {};
  const build = await docker.run(
    [
      "build",
      "-t",
      request.image,
      ...(request.dockerfile ? ["-f", request.dockerfile] : []),
      request.contextDir,
    ],
    stoppable,
  );
  logOutput(log, build);
  if (build.code !== 0) {
    throw new UserError(
      `docker build of ${request.contextDir} failed: ${lastLine(build)}. Fix the Dockerfile or the path input; the full output is above.`,
    );
  }
  await request.login?.beforePush();
  let push = await docker.run(["push", request.image], stoppable);
  logOutput(log, push);
  if (push.code !== 0 && request.login && UNAUTHORIZED.test(lastLine(push))) {
    log("The registry refused the push as unauthorized: renewing the registry token and pushing once more.");
    await request.login.renew();
    push = await docker.run(["push", request.image], stoppable);
    logOutput(log, push);
  }
  if (push.code !== 0) throw explainPushFailure(request.image, push, request.login);
  return PUSHED_DIGEST.exec(push.stdout)?.[1] ?? (await repoDigest(docker, request.image));
}

/**
 * The digest of a prebuilt image: from an @sha256 reference as given (no registry call), else pulled
 * so the registry confirms the tag exists and says what it points at.
 */
export async function prebuiltDigest(
  docker: DockerCli | undefined,
  image: string,
  pinned: string | undefined,
): Promise<string> {
  if (pinned) return pinned;
  if (!docker) {
    throw new UserError(
      `image ${image} has no @sha256 digest and docker is not installed to look it up: give image as <name>@sha256:<digest>, or install docker.`,
    );
  }
  const pull = await docker.run(["pull", image]);
  if (pull.code !== 0) {
    const reason = lastLine(pull);
    if (/not found|manifest unknown|does not exist/i.test(reason)) {
      throw new UserError(
        `image ${image} does not exist in the registry (${reason}): push it first, or fix the image input's repository and tag.`,
      );
    }
    throw explainAccessFailure(image, "pull", reason);
  }
  return repoDigest(docker, image);
}

async function repoDigest(docker: DockerCli, image: string): Promise<string> {
  const inspect = await docker.run(["image", "inspect", "--format", "{{json .RepoDigests}}", image]);
  const name = image.replace(/:[^:/]+$/, "");
  if (inspect.code === 0) {
    const digests = JSON.parse(inspect.stdout.trim() || "[]") as string[];
    const match = digests.find((entry) => entry.startsWith(`${name}@`)) ?? digests[0];
    const digest = match?.slice(match.indexOf("@") + 1);
    if (digest?.startsWith("sha256:")) return digest;
  }
  throw new Error(`docker did not report a registry digest for ${image}: ${lastLine(inspect)}`);
}

function explainPushFailure(image: string, push: DockerResult, login: PushLogin | undefined): UserError {
  const reason = lastLine(push);
  if (/name unknown|repository .* not found|not found/i.test(reason)) {
    return new UserError(
      `docker push ${image} failed: the registry has no such repository (${reason}). Check the registry and repository inputs.`,
    );
  }
  if (login && /denied|unauthorized|authentication required|\b401\b/i.test(reason)) {
    return new UserError(
      `docker push ${image} was refused (${reason}): ocir-login's registry token is for tenancy namespace ${login.namespace} in region ${login.regionId}, so images go under ${login.registry}/${login.namespace}/; check the registry input (image-prefix in the root action), and that the user may manage repos in that tenancy.`,
    );
  }
  return explainAccessFailure(image, "push", reason);
}

function explainAccessFailure(image: string, verb: string, reason: string): UserError {
  if (/denied|unauthorized|authentication required|no basic auth/i.test(reason)) {
    return new UserError(
      `docker ${verb} ${image} was refused (${reason}): run ocir-login before fn-deploy, for the same registry host; the user also needs a policy to manage repos.`,
    );
  }
  return new UserError(
    `docker ${verb} ${image} failed: ${reason}. Check the registry input and the network.`,
  );
}

function logOutput(log: (line: string) => void, result: DockerResult): void {
  for (const line of `${result.stdout}\n${result.stderr}`.split("\n")) {
    if (line.trim() !== "") log(line.trimEnd());
  }
}

function lastLine(result: DockerResult): string {
  const lines = `${result.stdout}\n${result.stderr}`.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim() || `exit code ${result.code}`;
}
