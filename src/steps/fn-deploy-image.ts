import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DockerCli } from "../docker/docker-cli.ts";
import type { RegistryLogin } from "../docker/docker-credentials.ts";
import type { ImagePlatforms } from "../docker/image-platforms.ts";
import { isUserError } from "../errors.ts";
import type { FnDeployInputs, Plan } from "../oci/functions/deploy-plan.ts";
import type { FunctionShape } from "../oci/functions/function-shape.ts";
import { requireShapeFit } from "../oci/functions/image-fit.ts";
import type { FunctionsClients } from "../oci/oci-clients.ts";
import type { StepContext } from "../step-context.ts";
import type { TokenLogin } from "./ocir-login.ts";
import { loginForImage, registryTokenRenewal } from "./registry-token-renewal.ts";

/** What fn-deploy needs for its image; tests hand in a recording docker and a registry answer. */
export interface ImageTools {
  /** undefined when docker is not installed. */
  docker: DockerCli | undefined;
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
}

/** Where the image goes and what it must fit: the application's shape and compartment. */
export interface ImageTarget {
  shape: FunctionShape;
  /** The platform a build makes for the shape (linux/amd64 or linux/arm64). */
  platform: string;
  /** Where a repository this run creates goes. */
  compartmentId: string;
  clients: Pick<FunctionsClients, "artifacts" | "tenancyId">;
}

/**
 * fn-deploy's image: built from the function's folder and pushed (the OCIR repository ensured first,
 * private), or the prebuilt one looked up; either way checked against the application's shape before
 * anything is pinned to it.
 */
export async function pinnedImage(
  plan: Plan,
  target: ImageTarget,
  inputs: FnDeployInputs,
  tools: ImageTools,
  ctx: StepContext,
): Promise<PinnedImage> {
  const imageBuild = await import("../docker/image-build.ts");
  const { reuseImage, recordContextTag } = await import("../docker/image-reuse.ts");
  const { build, prebuilt } = plan;
  const { docker } = tools;
  if (build && docker) {
    const repository = await ensureRepository(build.repository, target, ctx);
    const { image } = build;
    const tokenLogin = loginForImage(image, tools.registryLogin?.tokenLogin);
    const login =
      tokenLogin && tools.registryLogin
        ? registryTokenRenewal(
            tokenLogin,
            inputs.ociProfile,
            docker,
            tools.registryLogin.dockerConfigDir,
            ctx,
          )
        : undefined;
    const access = tools.storedLogin
      ? {
          login: tools.storedLogin,
          registerSecret: (value: string) => ctx.secrets.register(value),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        }
      : undefined;
    const outcome = await withDockerfile(build, ctx, async (dockerfile) => {
      // Before the build's group: a reused image is one line, not an empty section.
      const reuse = access
        ? await reuseImage({
            image,
            contextDir: build.contextDir,
            ...(dockerfile ? { dockerfile } : {}),
            platform: target.platform,
            access,
            log: (line) => ctx.logger.info(line),
            warn: (line) => ctx.logger.warning(line),
          })
        : undefined;
      if (reuse?.reused) return { digest: reuse.digest, built: false, contextHash: reuse.contextHash };
      const pushed = await ctx.logger.group(`docker build and push ${image}`, () =>
        imageBuild.buildAndPush(
          docker,
          {
            contextDir: build.contextDir,
            image,
            platform: target.platform,
            tempDir: ctx.tempDir,
            labelContext: access !== undefined,
            ...(dockerfile ? { dockerfile } : {}),
            ...(ctx.signal ? { signal: ctx.signal } : {}),
            ...(login ? { login } : {}),
          },
          (line) => ctx.logger.info(line),
        ),
      );
      ctx.logger.info(`Pushed ${image} (${pushed.digest}).`);
      if (access && pushed.contextHash) {
        await recordContextTag(
          image,
          pushed.digest,
          pushed.contextHash,
          access,
          (line) => ctx.logger.info(line),
          (line) => ctx.logger.warning(line),
        );
      }
      return { ...pushed, built: true };
    });
    await checkImageFits(tools, image, outcome.digest, target.shape, true, ctx);
    return {
      image,
      digest: outcome.digest,
      repository,
      built: outcome.built,
      ...(outcome.contextHash ? { contextHash: outcome.contextHash } : {}),
    };
  }
  if (prebuilt) {
    const { image } = prebuilt;
    const digest = await imageBuild.prebuiltDigest(docker, image, prebuilt.digest);
    ctx.logger.info(`Deploying the prebuilt image ${image} (${digest}).`);
    await checkImageFits(tools, image, digest, target.shape, false, ctx);
    return { image, digest, built: false };
  }
  throw new Error("deploy plan has neither a build nor a prebuilt image");
}

/** The OCIR repository the build pushes to, created private when missing; a public one is warned about. */
async function ensureRepository(
  name: string,
  target: ImageTarget,
  ctx: StepContext,
): Promise<{ name: string; created: boolean }> {
  const { ensureRepository } = await import("../oci/registry/artifacts-api.ts");
  const { compartmentId } = target;
  const ensured = await ensureRepository(
    target.clients.artifacts,
    { compartmentId, tenancyId: target.clients.tenancyId },
    name,
  );
  ctx.logger.info(
    ensured.created
      ? `Created private OCIR repository ${name} in compartment ${compartmentId}.`
      : ensured.compartmentId === compartmentId
        ? `OCIR repository ${name} exists.`
        : `OCIR repository ${name} exists in compartment ${ensured.compartmentId} (names are unique across the tenancy): pushing to it.`,
  );
  if (ensured.isPublic) {
    ctx.logger.warning(
      `OCIR repository ${name} is public: anyone can pull the function's image without credentials. Make it private (Container Registry > ${name} > Actions > Change to private, or oci artifacts container repository update --repository-id ${ensured.id} --is-public false).`,
    );
  }
  return { name, created: ensured.created };
}

/**
 * Reads the manifest the function will be pinned to and refuses it unless it fits the shape, before
 * CreateFunction/UpdateFunction: a BuildKit index with attestations or an image for the wrong
 * architecture would otherwise be pinned (or refused by OCI with less to go on).
 */
async function checkImageFits(
  tools: ImageTools,
  image: string,
  digest: string,
  shape: FunctionShape,
  built: boolean,
  ctx: StepContext,
): Promise<void> {
  const reference = `${image.replace(/@.*$/, "").replace(/:[^:/]+$/, "")}@${digest}`;
  let found: ImagePlatforms;
  try {
    found = await tools.imagePlatforms(reference, {
      registerSecret: (value) => ctx.secrets.register(value),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (error) {
    // A prebuilt image pinned by digest never needed a registry login here (OCI pulls it with its own
    // identity), so an unreadable manifest is a warning; an image fngate just pushed must be readable.
    if (built || !isUserError(error)) throw error;
    ctx.logger.warning(
      `${error.message} Deploying without the check; OCI checks the image against shape ${shape} itself.`,
    );
    return;
  }
  requireShapeFit(image, found, shape, built);
  const held = found.platforms.map((platform) => `${platform.os}/${platform.architecture}`).join(", ");
  ctx.logger.info(
    `${found.kind === "index" ? "Image index" : "Image"} ${digest} holds ${held}: fits shape ${shape}.`,
  );
}

/** Runs `use` with the Dockerfile to build with: the directory's own, or one generated from func.yaml. */
async function withDockerfile<T>(
  build: NonNullable<Plan["build"]>,
  ctx: StepContext,
  use: (dockerfile: string | undefined) => Promise<T>,
): Promise<T> {
  const generated = build.generatedDockerfile;
  if (!generated) return use(undefined);
  // Outside the build context, so it is neither sent to the daemon nor left in the user's folder.
  const path = join(ctx.tempDir, `fngate-${randomBytes(6).toString("hex")}.Dockerfile`);
  await writeFile(path, generated.text);
  ctx.logger.info(
    `No Dockerfile in ${build.contextDir}: generated one from func.yaml's runtime ${generated.runtime}, as fn build does.`,
  );
  try {
    return await use(path);
  } finally {
    await rm(path, { force: true });
  }
}
