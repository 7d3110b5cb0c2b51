import { describeError, UserError } from "../errors.ts";
import { attestationFlags, type BuilderChoice } from "./attestation-flags.ts";
import { VCS_METADATA, withBuildContext } from "./build-context.ts";
import { buildSettings, contextHash } from "./context-hash.ts";
import { CONTEXT_LABEL } from "./context-tags.ts";
import type { DockerCli, DockerResult } from "./docker-cli.ts";

/**
 * The docker side of a deploy: build, push, and the digest the function is pinned to. Deploying by
 * digest means a later push of the same tag cannot change what the function runs.
 */
export interface BuildRequest {
  /** The build context: the function directory (its real path, inside the workspace). */
  contextDir: string;
  /** A Dockerfile outside the context (generated from func.yaml); the context's own otherwise. */
  dockerfile?: string;
  /** The tag reference to build and push. */
  image: string;
  /** linux/amd64 or linux/arm64: one image manifest for the platform the function runs on. */
  platform: string;
  /** The step's private scratch folder: the context copy without VCS metadata lives there. */
  tempDir: string;
  /** The step's deadline: stops docker build/push when it fires. */
  signal?: AbortSignal;
  /** A registry token login ocir-login made for the image's registry, renewed around the push. */
  login?: PushLogin;
  /** The builder `docker build --help` described, when the caller asked it already (alongside other work). */
  builder?: Promise<BuilderChoice>;
  /**
   * Labels the image dev.fngate.context=<hash of what this build sees> (see context-tags.ts), hashed
   * from the private copy docker builds, so the label describes the files docker got even if the
   * user's folder changed since it was looked up.
   */
  labelContext?: boolean;
}

/** What was pushed: the digest, and the context hash the image is labelled with (labelContext). */
export interface PushedImage {
  digest: string;
  contextHash?: string;
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

/**
 * The docker CLI's three-line "DEPRECATED: The legacy builder is deprecated…" notice, printed on every
 * build where buildx is missing (Debian's docker.io has no buildx package): the line fngate logs about
 * the builder already says so once, so the notice is dropped from the streamed output.
 */
function withoutLegacyNotice(log: (line: string) => void): (line: string) => void {
  let inNotice = false;
  return (line) => {
    const text = line.trim();
    if (text.startsWith("DEPRECATED: The legacy builder is deprecated")) {
      inNotice = true;
      return;
    }
    if (
      inNotice &&
      (text.startsWith("Install the buildx component") ||
        text.startsWith("https://docs.docker.com/go/buildx"))
    ) {
      return;
    }
    inNotice = false;
    log(line);
  };
}

/** How docker reports a registry that wants (other) credentials: the token expired or was revoked. */
const UNAUTHORIZED = /unauthorized|authentication required|\b401\b/i;

const PUSHED_DIGEST = /digest: (sha256:[a-f0-9]{64}) size:/;

/**
 * Builds one single-platform image from a copy of the context without VCS metadata (see
 * build-context.ts), pushes it and returns the pushed digest. `log` receives docker's output line by
 * line while build and push run, so the build shows in the step's log as it happens.
 */
export async function buildAndPush(
  docker: DockerCli,
  request: BuildRequest,
  log: (line: string) => void,
): Promise<PushedImage> {
  const built = await buildImage(docker, request, log);
  const { digest } = await pushImage(docker, request, log);
  return { digest, ...(built.contextHash ? { contextHash: built.contextHash } : {}) };
}

/** What a build left in the local docker: the image, tagged, made for the platform asked. */
export interface BuiltImage {
  /** The context hash the image is labelled with (labelContext), when it could be hashed. */
  contextHash?: string;
}

/** Docker's output streamed into the step's log as it comes: a long build or push is not silent. */
function streaming(request: Pick<BuildRequest, "signal">, log: (line: string) => void) {
  return {
    ...(request.signal ? { signal: request.signal } : {}),
    onLine: withoutLegacyNotice(log),
  };
}

/**
 * The build half of buildAndPush: local only (no registry is written), so it can run before the
 * pipeline's preflight has cleared the run for changes.
 */
export async function buildImage(
  docker: DockerCli,
  request: BuildRequest,
  log: (line: string) => void,
): Promise<BuiltImage> {
  const streamed = streaming(request, log);
  const choice = await (request.builder ?? attestationFlags(docker, request.signal));
  log(
    choice.builder === "legacy"
      ? `docker build runs without attestations (the legacy builder, or BuildKit without buildx): it pushes one ${request.platform} image manifest.`
      : choice.flags.length > 0
        ? `docker build runs BuildKit (buildx): ${choice.flags.join(" ")} keeps the push one ${request.platform} image manifest.`
        : `docker build runs BuildKit (buildx) without attestation options: it pushes one ${request.platform} image manifest.`,
  );
  log(
    `Build context: ${request.contextDir} without version-control metadata (${VCS_METADATA.join(", ")}); its .dockerignore, if any, applies as usual.`,
  );
  let hash: string | undefined;
  const build = async (extra: string[]) => {
    const result = await withBuildContext(request.contextDir, request.tempDir, async (copy) => {
      if (request.labelContext) {
        // Without a hash the image is only not found by a later run: never a reason to fail the build.
        hash = await contextHash({
          contextDir: copy,
          ...(request.dockerfile ? { dockerfile: request.dockerfile } : {}),
          settings: buildSettings(request.platform),
        }).catch((error: unknown) => {
          log(`Building without the context label: the copy could not be hashed (${describeError(error)}).`);
          return undefined;
        });
      }
      return docker.run(
        [
          "build",
          "-t",
          request.image,
          "--platform",
          request.platform,
          ...choice.flags,
          ...(hash ? ["--label", `${CONTEXT_LABEL}=${hash}`] : []),
          ...extra,
          ...(request.dockerfile ? ["-f", request.dockerfile] : []),
          copy,
        ],
        streamed,
      );
    });
    if (result.code !== 0) {
      throw new UserError(
        `docker build of ${request.contextDir} failed: ${lastLine(result)}. Fix the Dockerfile or the path input; the full output is above.`,
      );
    }
    return localPlatform(docker, request.image);
  };
  let built = await build([]);
  if (built !== request.platform) {
    // The legacy builder's cache ignores --platform for FROM scratch: a folder built before for
    // another platform comes back as that platform's image. Built once more without the cache, it
    // is what was asked for; nothing wrong is pushed.
    log(
      `docker build returned a cached ${built} image for ${request.platform}: building again with --no-cache.`,
    );
    built = await build(["--no-cache"]);
    if (built !== request.platform) {
      throw new UserError(
        `docker build of ${request.contextDir} made a ${built} image although --platform ${request.platform} was asked: make the Dockerfile's base image available for ${request.platform}, or build and push the image in an earlier step and set image.`,
      );
    }
  }
  return hash ? { contextHash: hash } : {};
}

/** The push half of buildAndPush: the image buildImage tagged goes to the registry; its digest comes back. */
export async function pushImage(
  docker: DockerCli,
  request: Pick<BuildRequest, "image" | "signal" | "login">,
  log: (line: string) => void,
): Promise<{ digest: string }> {
  const streamed = streaming(request, log);
  await request.login?.beforePush();
  let push = await docker.run(["push", request.image], streamed);
  if (push.code !== 0 && request.login && UNAUTHORIZED.test(lastLine(push))) {
    log("The registry refused the push as unauthorized: renewing the registry token and pushing once more.");
    await request.login.renew();
    push = await docker.run(["push", request.image], streamed);
  }
  if (push.code !== 0) throw explainPushFailure(request.image, push, request.login);
  const digest = PUSHED_DIGEST.exec(push.stdout)?.[1] ?? (await repoDigest(docker, request.image));
  return { digest };
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

/** os/architecture of a local image, as its config records it. */
async function localPlatform(docker: DockerCli, image: string): Promise<string> {
  const inspect = await docker.run(["image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", image]);
  if (inspect.code !== 0) throw new Error(`docker image inspect ${image} failed: ${lastLine(inspect)}`);
  return inspect.stdout.trim();
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

function lastLine(result: DockerResult): string {
  const lines = `${result.stdout}\n${result.stderr}`.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim() || `exit code ${result.code}`;
}
