import type { BuilderChoice } from "../docker/attestation-flags.ts";
import type { DockerCli } from "../docker/docker-cli.ts";
import type { RegistryLogin } from "../docker/docker-credentials.ts";
import {
  type BuildRequest,
  type BuiltImage,
  buildImage,
  type PushLogin,
  pushImage,
} from "../docker/image-build.ts";
import type { ImagePlatforms } from "../docker/image-platforms.ts";
import { type ReuseLookup, recordContextTag } from "../docker/image-reuse.ts";
import type { RegistryAccess } from "../docker/registry-session.ts";
import type { FnDeployInputs, Plan } from "../oci/functions/deploy-plan.ts";
import type { FunctionShape } from "../oci/functions/function-shape.ts";
import type { FunctionsClients } from "../oci/oci-clients.ts";
import type { RepositoryListing } from "../oci/registry/artifacts-api.ts";
import type { StepContext } from "../step-context.ts";
import { dockerfileText } from "./fn-deploy-dockerfile.ts";
import { checkImageFits, ensureRepository } from "./fn-deploy-registry.ts";
import { type BuildSource, openBuildSource } from "./fn-image-source.ts";
import type { TokenLogin } from "./ocir-login.ts";
import { loginForImage, registryTokenRenewal } from "./registry-token-renewal.ts";

/** What fn-deploy needs for its image; tests hand in a recording docker and a registry answer. */
export interface ImageTools {
  /** undefined when docker is not installed. */
  docker: DockerCli | undefined;
  /** Which builder `docker build` is, when the caller asked already (the pipeline, during fn-context). */
  builder?: Promise<BuilderChoice>;
  /**
   * Called once fn-deploy's read-only first half has sent its first questions (the registry's, the
   * application's) and mostly waits: the pipeline lets its preflight load and run from then on.
   */
  onAsked?(): void;
  /**
   * What the registry holds for a reference: readImagePlatforms with the login `docker login` stored
   * (config.json, credential helpers).
   */
  imagePlatforms(
    reference: string,
    options: { registerSecret(value: string): void; signal?: AbortSignal },
  ): Promise<ImagePlatforms>;
  /**
   * ocir-login's registry token login, when it made one: renewed before a push that would start too
   * close to its expiry and once after a push refused as unauthorized. With the folder docker reads
   * config.json from.
   */
  registryLogin?: { tokenLogin: TokenLogin; dockerConfigDir: string };
  /**
   * The login docker stored for a registry host (config.json, credential helpers): with it, the
   * registry is asked for an image built from the same source before anything is built (see
   * src/docker/image-reuse.ts). Without it, every deploy from path builds and pushes.
   */
  storedLogin?(host: string): Promise<RegistryLogin | undefined>;
  /**
   * Awaited before docker may pull: a build, with its Dockerfile's text (undefined if unreadable), or
   * a prebuilt image's `docker pull` (undefined). The pipeline prepares the image while docker login
   * still runs, and whatever may pull from that registry waits for the login here.
   */
  beforePull?(dockerfile: string | undefined): Promise<void>;
}

/** The image a function is pinned to, by digest. */
export interface PinnedImage {
  image: string;
  digest: string;
  /** Set when the image comes from path: the OCIR repository and whether this run created it. */
  repository?: { name: string; created: boolean };
  /** Whether this run built and pushed it (false for a prebuilt image and for a reused one). */
  built: boolean;
  /** The hash of the build context the image was built from, when it comes from path. */
  contextHash?: string;
  /**
   * Set after a push: puts the context tag on the pushed image so the next runner reuses it. Called
   * once the function is pinned (a failure is a warning).
   */
  tagForNextRun?: (report: TagReport) => Promise<void>;
}

/** Where the context tag's lines go. */
export interface TagReport {
  log(line: string): void;
  warn(line: string): void;
}

/** Where the image goes and what it must fit: the application's shape and compartment. */
export interface ImageTarget {
  shape: FunctionShape;
  /** The platform a build makes for the shape (linux/amd64 or linux/arm64). */
  platform: string;
  /** Where a repository this run creates goes. */
  compartmentId: string;
  clients: Pick<FunctionsClients, "artifacts" | "tenancyId">;
  /** The repository already listed in compartmentId while the image was prepared: no second listing. */
  listed?: RepositoryListing;
}

/**
 * An image made ready without writing anywhere but the local docker: a prebuilt image's digest, or for
 * a build, the registry's answer to "built from this source before?" and, when it has none (and
 * `build` asks for it), the image built. The pipeline prepares it alongside its preflight; nothing
 * it did needs undoing when the preflight then stops the run.
 */
export type PreparedImage =
  | { kind: "prebuilt"; image: string; digest: string; release(): Promise<void> }
  | {
      kind: "build";
      build: NonNullable<Plan["build"]>;
      platform: string;
      dockerfile: string | undefined;
      access: RegistryAccess | undefined;
      /** Set when the registry holds an image built from the same source: it is only tagged. */
      reusable?: Extract<ReuseLookup, { found: true }>;
      /** Set once the image is built and tagged locally, ready to push. */
      built?: BuiltImage;
      /** Removes a Dockerfile generated from func.yaml. */
      release(): Promise<void>;
    };

export async function prepareImage(
  plan: Plan,
  platform: string,
  tools: ImageTools,
  ctx: StepContext,
  options: { build: boolean; source?: BuildSource },
): Promise<PreparedImage> {
  const { build, prebuilt } = plan;
  const { docker } = tools;
  if (build && docker) {
    const source = options.source ?? (await openBuildSource(build, { ...tools, docker }, ctx, options));
    const { dockerfile, access, builder, release } = source;
    try {
      const base = { kind: "build" as const, build, platform, dockerfile, access, release };
      // Before the build's group: a reused image is one line, not an empty section.
      const lookup = await source.answer(platform);
      if (lookup.found) return { ...base, reusable: lookup };
      if (!builder) return base;
      if (tools.beforePull) await tools.beforePull(await dockerfileText(build, dockerfile));
      const request = { ...buildRequest(base, ctx), builder };
      const built = await ctx.logger.group(`docker build ${build.image}`, () =>
        buildImage(docker, request, (line) => ctx.logger.info(line)),
      );
      return { ...base, built };
    } catch (error) {
      await release();
      throw error;
    }
  }
  if (prebuilt) {
    const { image } = prebuilt;
    const { prebuiltDigest } = await import("../docker/image-build.ts");
    // Without a digest, docker pulls the image to read it.
    if (!prebuilt.digest && tools.beforePull) await tools.beforePull(undefined);
    const digest = await prebuiltDigest(docker, image, prebuilt.digest);
    ctx.logger.info(`Deploying the prebuilt image ${image} (${digest}).`);
    return { kind: "prebuilt", image, digest, release: () => Promise.resolve() };
  }
  throw new Error("deploy plan has neither a build nor a prebuilt image");
}

/**
 * The writing half: the OCIR repository ensured, the reused image tagged or the built one pushed (and
 * tagged with its context hash for the next run), then checked against the application's shape.
 */
export async function publishImage(
  prepared: PreparedImage,
  target: ImageTarget,
  inputs: FnDeployInputs,
  tools: ImageTools,
  ctx: StepContext,
): Promise<PinnedImage> {
  if (prepared.kind === "prebuilt") {
    const { image, digest } = prepared;
    await checkImageFits(tools, image, digest, target.shape, false, ctx);
    return { image, digest, built: false };
  }
  const { docker } = tools;
  if (!docker) throw new Error("an image to build was prepared without docker");
  const { build, access } = prepared;
  const { image } = build;
  const repository = await ensureRepository(build.repository, target, ctx);
  const reused = await prepared.reusable?.claim({
    log: (line) => ctx.logger.info(line),
    warn: (line) => ctx.logger.warning(line),
  });
  let outcome: { digest: string; built: boolean; contextHash?: string };
  if (reused?.reused) {
    outcome = { digest: reused.digest, built: false, contextHash: reused.contextHash };
  } else {
    const request = { ...buildRequest(prepared, ctx), ...pushLogin(image, inputs, docker, tools, ctx) };
    const log = (line: string) => ctx.logger.info(line);
    const ready = prepared.built;
    // Built already (the pipeline builds alongside its preflight): only the push is left.
    const pushed = await ctx.logger.group(
      `docker ${ready ? "push" : "build and push"} ${image}`,
      async () => {
        const built = ready ?? (await buildImage(docker, request, log));
        return { ...(await pushImage(docker, request, log)), ...built };
      },
    );
    ctx.logger.info(`Pushed ${image} (${pushed.digest}).`);
    outcome = { ...pushed, built: true };
  }
  const { digest, contextHash } = outcome;
  await checkImageFits(tools, image, digest, target.shape, true, ctx);
  // Not before the function is pinned: the tag is for the next run, and the distribution registry
  // answers a manifest read (the fit check's, CreateFunction's) with a 500 while it is being tagged.
  const tagForNextRun =
    outcome.built && access && contextHash
      ? (report: TagReport) => recordContextTag(image, digest, contextHash, access, report.log, report.warn)
      : undefined;
  return {
    image,
    digest: outcome.digest,
    repository,
    built: outcome.built,
    ...(outcome.contextHash ? { contextHash: outcome.contextHash } : {}),
    ...(tagForNextRun ? { tagForNextRun } : {}),
  };
}

type BuildPrepared = Extract<PreparedImage, { kind: "build" }>;

function buildRequest(
  prepared: Pick<BuildPrepared, "build" | "dockerfile" | "platform" | "access">,
  ctx: StepContext,
): BuildRequest {
  return {
    contextDir: prepared.build.contextDir,
    image: prepared.build.image,
    platform: prepared.platform,
    tempDir: ctx.tempDir,
    labelContext: prepared.access !== undefined,
    ...(prepared.dockerfile ? { dockerfile: prepared.dockerfile } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}

/** ocir-login's registry token login for the image's registry, renewed around the push. */
function pushLogin(
  image: string,
  inputs: FnDeployInputs,
  docker: DockerCli,
  tools: ImageTools,
  ctx: StepContext,
): { login?: PushLogin } {
  const tokenLogin = loginForImage(image, tools.registryLogin?.tokenLogin);
  if (!tokenLogin || !tools.registryLogin) return {};
  const { dockerConfigDir } = tools.registryLogin;
  return { login: registryTokenRenewal(tokenLogin, inputs.ociProfile, docker, dockerConfigDir, ctx) };
}
