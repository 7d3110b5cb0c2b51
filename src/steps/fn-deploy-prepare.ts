import { UserError } from "../errors.ts";
import { ociCallOptions } from "../oci/call-options.ts";
import type { ApplicationRef } from "../oci/functions/application-lookup.ts";
import { type FnDeployInputs, type Plan, planDeploy } from "../oci/functions/deploy-plan.ts";
import {
  applicationShape,
  buildPlatformOf,
  type FunctionShape,
  shapeToUse,
} from "../oci/functions/function-shape.ts";
import type { FunctionsClients } from "../oci/oci-clients.ts";
import { requireOcid } from "../oci/ocid.ts";
import type { RepositoryListing } from "../oci/registry/artifacts-api.ts";
import type { StepContext } from "../step-context.ts";
import type { FnDeployTools } from "./fn-deploy.ts";
import { type PreparedImage, prepareImage } from "./fn-deploy-image.ts";
import { listRepositoryEarly } from "./fn-deploy-registry.ts";
import { likelyPlatform, openBuildSource } from "./fn-image-source.ts";

// fn-deploy's read-only half: the plan, the application and its shape, and the image made ready
// (the registry asked, the image built when it has none), before anything is written.

/**
 * What fn-deploy knows before it writes anything: its plan, the application and its shape, and the
 * image made ready (see prepareImage). The pipeline prepares it alongside its preflight.
 */
export interface PreparedFunction {
  plan: Plan;
  application: ApplicationRef;
  shape: FunctionShape;
  image: PreparedImage;
  /** The OCIR repository as listed while the image was prepared (a build only; absent if that failed). */
  listed?: RepositoryListing;
}

/**
 * fn-deploy's read-only first half, with the image built locally when the registry has none built
 * from the same source. The caller hands the result to deployFunction, or releases its image.
 */
export async function prepareFunction(
  inputs: FnDeployInputs,
  ctx: StepContext,
  tools: FnDeployTools,
  application?: Promise<ApplicationRef>,
): Promise<PreparedFunction> {
  const { functionsClients } = await import("../oci/oci-clients.ts");
  const clients = functionsClients({ ...inputs.ociProfile, ...ociCallOptions(ctx) });
  try {
    return await prepareWith(clients, inputs, ctx, tools, {
      build: true,
      ...(application ? { application } : {}),
    });
  } finally {
    clients.close();
  }
}

/**
 * The application fn-deploy deploys to, looked up (read-only) before the registry is known: the
 * pipeline asks while ocir-login runs, and hands the answer to prepareFunction.
 */
export async function lookUpApplication(
  inputs: Pick<FnDeployInputs, "application" | "compartmentOcid" | "ociProfile">,
  ctx: StepContext,
): Promise<ApplicationRef> {
  const [{ functionsClients }, { findApplication }] = await Promise.all([
    import("../oci/oci-clients.ts"),
    import("../oci/functions/application-lookup.ts"),
  ]);
  const clients = functionsClients({ ...inputs.ociProfile, ...ociCallOptions(ctx) });
  try {
    const compartmentId =
      inputs.compartmentOcid === undefined
        ? undefined
        : requireOcid(inputs.compartmentOcid, "compartment-ocid", ["compartment", "tenancy"]).value;
    return await findApplication(clients.management, inputs.application, compartmentId);
  } finally {
    clients.close();
  }
}

/** The plan, and docker when it must build: what fails without asking the cloud anything. */
export async function planLocally(
  inputs: FnDeployInputs,
  ctx: StepContext,
  tools: FnDeployTools,
): Promise<Plan> {
  const plan = await planDeploy(inputs, {
    homeDir: ctx.homeDir,
    workspaceDir: ctx.workspaceDir,
    registerSecret: (value) => ctx.secrets.register(value),
    warn: (message) => ctx.logger.warning(message),
  });
  if (plan.build && !tools.docker) {
    throw new UserError(
      "docker is not installed, and fn-deploy builds the image from path with docker: install docker on the runner, or set image to a prebuilt image.",
    );
  }
  return plan;
}

export async function prepareWith(
  clients: FunctionsClients,
  inputs: FnDeployInputs,
  ctx: StepContext,
  tools: FnDeployTools,
  options: { build: boolean; application?: Promise<ApplicationRef>; plan?: Plan },
): Promise<PreparedFunction> {
  const plan = options.plan ?? (await planLocally(inputs, ctx, tools));
  const { build } = plan;
  const source =
    build && tools.docker
      ? await openBuildSource(build, { ...tools, docker: tools.docker }, ctx, options)
      : undefined;
  try {
    // The registry is asked about the likely platform while the application (its shape) is looked up.
    const likely = likelyPlatform(plan);
    if (source && likely) source.ask(likely);
    const { findApplication } = await import("../oci/functions/application-lookup.ts");
    const asked =
      options.application ?? findApplication(clients.management, inputs.application, plan.compartmentId);
    tools.onAsked?.();
    const application = await asked;
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
    // The repository is listed while the image is prepared: publishImage then only creates a missing one.
    const listing = build
      ? listRepositoryEarly(clients, plan.compartmentId ?? application.compartmentId, build.repository)
      : undefined;
    const image = await prepareImage(plan, platform ?? "linux/amd64", tools, ctx, {
      build: options.build,
      ...(source ? { source } : {}),
    });
    const listed = await listing;
    return { plan, application, shape, image, ...(listed ? { listed } : {}) };
  } catch (error) {
    // prepareImage releases the source itself when it fails; a second removal is harmless.
    await source?.release();
    throw error;
  }
}
