import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DockerCli } from "../docker/docker-cli.ts";
import type { ImagePlatforms } from "../docker/image-platforms.ts";
import { isUserError, UserError } from "../errors.ts";
import { type FnDeployInputs, type Plan, planDeploy } from "../oci/functions/deploy-plan.ts";
import type { SettingName } from "../oci/functions/function-changes.ts";
import {
  applicationShape,
  buildPlatformOf,
  type FunctionShape,
  shapeToUse,
} from "../oci/functions/function-shape.ts";
import { requireShapeFit } from "../oci/functions/image-fit.ts";
import { ociCallOptions } from "../oci/profile-clients.ts";
import { runLabelTags } from "../run-label.ts";
import type { StepContext } from "../step-context.ts";
import type { TokenLogin } from "./ocir-login.ts";
import { loginForImage, registryTokenRenewal } from "./registry-token-renewal.ts";

export type { FnDeployInputs };

export interface FnDeployTools {
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
  /** For the ACTIVE wait; real timers when absent. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * ocir-login's registry token login, when it made one: renewed before a push that would start too
   * close to its expiry and once after a push refused as unauthorized. With the folder docker reads
   * config.json from.
   */
  registryLogin?: { tokenLogin: TokenLogin; dockerConfigDir: string };
}

export interface FnDeployResult {
  functionId: string;
  functionName: string;
  applicationId: string;
  applicationName: string;
  /** The application's shape, which the image was checked against. */
  shape: FunctionShape;
  image: string;
  digest: string;
  invokeEndpoint: string;
  action: "created" | "updated" | "unchanged";
  changedSettings: SettingName[];
  /** Set when the image was built: the OCIR repository and whether this run created it. */
  repository?: { name: string; created: boolean };
  built: boolean;
  memoryInMBs: number;
  timeoutInSeconds: number;
  configKeys: string[];
  lifecycleState: string;
  invokeResponse?: string;
}

const ACTIVE_DEADLINE_MS = 300_000;

/**
 * Takes a function directory (or a prebuilt image) to a deployed OCI function, pinned by digest, the
 * way `fn deploy` does but with the SDK and the docker CLI only. Every input is checked before the
 * first call, and a re-run with nothing new makes no mutating call.
 */
export async function deployFunction(
  inputs: FnDeployInputs,
  ctx: StepContext,
  tools: FnDeployTools,
): Promise<FnDeployResult> {
  const plan = await planDeploy(inputs, {
    homeDir: ctx.homeDir,
    workspaceDir: ctx.workspaceDir,
    registerSecret: (value) => ctx.secrets.register(value),
    warn: (message) => ctx.logger.warning(message),
  });
  const { build, prebuilt } = plan;
  const { docker } = tools;
  if (build && !docker) {
    throw new UserError(
      "docker is not installed, and fn-deploy builds the image from path with docker: install docker on the runner, or set image to a prebuilt image.",
    );
  }
  // Loaded on demand: the Functions and Artifacts clients are the bulk of the bundle.
  const [{ functionsClients }, { findApplication }, { ensureRepository }, functionsApi, imageBuild] =
    await Promise.all([
      import("../oci/oci-clients.ts"),
      import("../oci/functions/application-lookup.ts"),
      import("../oci/registry/artifacts-api.ts"),
      import("../oci/functions/functions-api.ts"),
      import("../docker/image-build.ts"),
    ]);
  const clients = functionsClients({ ...inputs.ociProfile, ...ociCallOptions(ctx) });
  try {
    const application = await findApplication(clients.management, inputs.application, plan.compartmentId);
    const shape = shapeToUse(plan.shape, {
      displayName: application.displayName,
      shape: applicationShape(application.shape),
    });
    ctx.logger.info(`Application ${application.displayName} (${application.id}), shape ${shape}.`);
    const platform = buildPlatformOf(shape);
    if (build && platform === undefined) {
      throw new UserError(
        `application ${application.displayName} has shape ${shape}, which needs a multi-arch image (linux/amd64 and linux/arm64) that one docker build cannot make: build and push it in an earlier step (docker buildx build --platform linux/amd64,linux/arm64 --provenance=false --sbom=false --push) and set image.`,
      );
    }

    let image: string;
    let digest: string;
    let repository: FnDeployResult["repository"];
    if (build && docker) {
      const compartmentId = plan.compartmentId ?? application.compartmentId;
      const ensured = await ensureRepository(
        clients.artifacts,
        { compartmentId, tenancyId: clients.tenancyId },
        build.repository,
      );
      repository = { name: build.repository, created: ensured.created };
      ctx.logger.info(
        ensured.created
          ? `Created private OCIR repository ${build.repository} in compartment ${compartmentId}.`
          : ensured.compartmentId === compartmentId
            ? `OCIR repository ${build.repository} exists.`
            : `OCIR repository ${build.repository} exists in compartment ${ensured.compartmentId} (names are unique across the tenancy): pushing to it.`,
      );
      if (ensured.isPublic) {
        ctx.logger.warning(
          `OCIR repository ${build.repository} is public: anyone can pull the function's image without credentials. Make it private (Container Registry > ${build.repository} > Actions > Change to private, or oci artifacts container repository update --repository-id ${ensured.id} --is-public false).`,
        );
      }
      image = build.image;
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
      digest = await withDockerfile(build, ctx, (dockerfile) =>
        imageBuild.buildAndPush(
          docker,
          {
            contextDir: build.contextDir,
            image,
            platform: platform ?? "linux/amd64",
            tempDir: ctx.tempDir,
            ...(dockerfile ? { dockerfile } : {}),
            ...(ctx.signal ? { signal: ctx.signal } : {}),
            ...(login ? { login } : {}),
          },
          (line) => ctx.logger.info(line),
        ),
      );
      ctx.logger.info(`Pushed ${image} (${digest}).`);
      await checkImageFits(tools, image, digest, shape, true, ctx);
    } else if (prebuilt) {
      image = prebuilt.image;
      digest = await imageBuild.prebuiltDigest(docker, image, prebuilt.digest);
      ctx.logger.info(`Deploying the prebuilt image ${image} (${digest}).`);
      await checkImageFits(tools, image, digest, shape, false, ctx);
    } else {
      throw new Error("deploy plan has neither a build nor a prebuilt image");
    }

    const applied = await functionsApi.applyFunction(clients.management, {
      applicationId: application.id,
      displayName: plan.functionName,
      image,
      imageDigest: digest,
      memoryInMBs: plan.memoryInMBs,
      timeoutInSeconds: plan.timeoutInSeconds,
      config: plan.config,
      ...createTags(inputs.runLabel),
    });
    ctx.logger.info(
      applied.action === "unchanged"
        ? `Function ${plan.functionName} is already up to date: no change made.`
        : applied.action === "created"
          ? `Created function ${plan.functionName} (${applied.fn.id}).`
          : `Updated function ${plan.functionName}: ${applied.changed.join(", ")} changed.`,
    );

    let fn = applied.fn;
    const mustWait = inputs.wait || inputs.invoke !== undefined;
    if (mustWait && fn.lifecycleState !== "ACTIVE") {
      if (!inputs.wait) ctx.logger.info("Waiting for ACTIVE anyway: invoke needs a running function.");
      fn = await functionsApi.waitForActive(clients.management, fn.id, {
        deadlineMs: ACTIVE_DEADLINE_MS,
        ...(tools.sleep ? { sleep: tools.sleep } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      ctx.logger.info(`Function ${plan.functionName} is ACTIVE.`);
    }

    const result: FnDeployResult = {
      functionId: fn.id,
      functionName: fn.displayName ?? plan.functionName,
      applicationId: application.id,
      applicationName: application.displayName,
      shape,
      image,
      digest,
      invokeEndpoint: fn.invokeEndpoint ?? "",
      action: applied.action,
      changedSettings: applied.changed,
      ...(repository ? { repository } : {}),
      built: build !== undefined,
      memoryInMBs: plan.memoryInMBs,
      timeoutInSeconds: plan.timeoutInSeconds,
      configKeys: Object.keys(plan.config).sort(),
      lifecycleState: fn.lifecycleState ?? "",
    };
    if (inputs.invoke !== undefined) {
      if (!fn.invokeEndpoint) throw new Error(`function ${fn.id} has no invokeEndpoint`);
      const { invokeOnce } = await import("../oci/functions/function-invoke.ts");
      result.invokeResponse = await invokeOnce(clients.invoker(fn.invokeEndpoint), fn.id, inputs.invoke, {
        fn: plan.functionName,
        image,
      });
      ctx.logger.info(`Test invoke answered: ${clip(result.invokeResponse)}`);
    }
    return result;
  } finally {
    clients.close();
  }
}

/**
 * Reads the manifest the function will be pinned to and refuses it unless it fits the shape, before
 * CreateFunction/UpdateFunction: a BuildKit index with attestations or an image for the wrong
 * architecture would otherwise be pinned (or refused by OCI with less to go on).
 */
async function checkImageFits(
  tools: FnDeployTools,
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

/** The fngate-run tag a function this run creates carries; an update leaves tags alone. */
function createTags(runLabel: string | undefined): { createTags?: Record<string, string> } {
  const tags = runLabelTags(runLabel);
  return tags ? { createTags: tags } : {};
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
