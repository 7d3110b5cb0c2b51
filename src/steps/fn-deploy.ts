import { UserError } from "../errors.ts";
import { ociCallOptions } from "../oci/call-options.ts";
import type { ApplicationRef } from "../oci/functions/application-lookup.ts";
import { type FnDeployInputs, type Plan, planDeploy } from "../oci/functions/deploy-plan.ts";
import type { SettingName } from "../oci/functions/function-changes.ts";
import {
  applicationShape,
  buildPlatformOf,
  type FunctionShape,
  shapeToUse,
} from "../oci/functions/function-shape.ts";
import { type PreviousFunctionImage, previousFunctionImage } from "../oci/functions/previous-function.ts";
import type { FunctionsClients } from "../oci/oci-clients.ts";
import { requireOcid } from "../oci/ocid.ts";
import type { RepositoryListing } from "../oci/registry/artifacts-api.ts";
import { runLabelTags } from "../run-label.ts";
import type { StepContext } from "../step-context.ts";
import { type ImageTools, type PreparedImage, prepareImage, publishImage } from "./fn-deploy-image.ts";
import { testInvoke } from "./fn-deploy-invoke.ts";
import { listRepositoryEarly } from "./fn-deploy-registry.ts";

export type { FnDeployInputs };

export interface FnDeployTools extends ImageTools {
  /** For the ACTIVE wait; real timers when absent. */
  sleep?: (ms: number) => Promise<void>;
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
  /** Set when the image comes from path: the OCIR repository and whether this run created it. */
  repository?: { name: string; created: boolean };
  /**
   * Whether this run built and pushed the image: false for a prebuilt image, and for one the registry
   * already held, built from the same source (see src/docker/image-reuse.ts).
   */
  built: boolean;
  /** The hash of the build context (src/docker/context-hash.ts), when the image comes from path. */
  contextHash?: string;
  memoryInMBs: number;
  timeoutInSeconds: number;
  configKeys: string[];
  lifecycleState: string;
  invokeResponse?: string;
  /**
   * What the function ran before this run (absent when it created the function): its image pinned
   * by digest, and every managed setting, so a failed smoke test can put it back.
   */
  previous?: PreviousFunctionImage;
}

const ACTIVE_DEADLINE_MS = 300_000;

/**
 * Takes a function directory (or a prebuilt image) to a deployed OCI function, pinned by digest, the
 * way `fn deploy` does but with the SDK and the docker CLI only. Every input is checked before the
 * first call, and a re-run with nothing new makes no mutating call.
 */
/** What a caller may learn before the step ends. */
export interface FnDeployHooks {
  /**
   * The function's OCID once it is created or updated, before its ACTIVE wait: the pipeline points
   * the gateway at it while the function settles.
   */
  onFunction?(functionId: string): void;
}

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
async function planLocally(inputs: FnDeployInputs, ctx: StepContext, tools: FnDeployTools): Promise<Plan> {
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

async function prepareWith(
  clients: FunctionsClients,
  inputs: FnDeployInputs,
  ctx: StepContext,
  tools: FnDeployTools,
  options: { build: boolean; application?: Promise<ApplicationRef>; plan?: Plan },
): Promise<PreparedFunction> {
  const plan = options.plan ?? (await planLocally(inputs, ctx, tools));
  const { build } = plan;
  const { findApplication } = await import("../oci/functions/application-lookup.ts");
  const application = await (options.application ??
    findApplication(clients.management, inputs.application, plan.compartmentId));
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
  const image = await prepareImage(plan, platform ?? "linux/amd64", tools, ctx, options);
  const listed = await listing;
  return { plan, application, shape, image, ...(listed ? { listed } : {}) };
}

export async function deployFunction(
  inputs: FnDeployInputs,
  ctx: StepContext,
  tools: FnDeployTools,
  hooks: FnDeployHooks = {},
  prepared?: PreparedFunction,
): Promise<FnDeployResult> {
  // Loaded on demand: the Functions and Artifacts clients are the bulk of the bundle.
  const [{ functionsClients }, functionsApi] = await Promise.all([
    import("../oci/oci-clients.ts"),
    import("../oci/functions/functions-api.ts"),
  ]);
  // Everything that can fail locally fails before the clients read the OCI profile.
  const planned = prepared ? undefined : await planLocally(inputs, ctx, tools);
  const clients = functionsClients({ ...inputs.ociProfile, ...ociCallOptions(ctx) });
  let ready = prepared;
  try {
    ready ??= await prepareWith(clients, inputs, ctx, tools, {
      build: false,
      ...(planned ? { plan: planned } : {}),
    });
    const { plan, application, shape } = ready;
    const target = {
      shape,
      platform: buildPlatformOf(shape) ?? "linux/amd64",
      compartmentId: plan.compartmentId ?? application.compartmentId,
      clients,
      ...(ready.listed ? { listed: ready.listed } : {}),
    };
    const { image, digest, repository, built, contextHash } = await publishImage(
      ready.image,
      target,
      inputs,
      tools,
      ctx,
    );

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

    hooks.onFunction?.(applied.fn.id);
    let fn = applied.fn;
    const mustWait = inputs.wait || inputs.invoke !== undefined;
    if (mustWait && fn.lifecycleState !== "ACTIVE") {
      const id = fn.id;
      fn = await ctx.logger.group(`Waiting for function ${plan.functionName} to become ACTIVE`, async () => {
        if (!inputs.wait) ctx.logger.info("Waiting for ACTIVE anyway: invoke needs a running function.");
        const active = await functionsApi.waitForActive(clients.management, id, {
          deadlineMs: ACTIVE_DEADLINE_MS,
          ...(tools.sleep ? { sleep: tools.sleep } : {}),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          progress: ctx.logger,
        });
        ctx.logger.info(`Function ${plan.functionName} is ACTIVE.`);
        return active;
      });
    }

    const previous = previousFunctionImage(applied.previous?.settings);
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
      built,
      ...(contextHash ? { contextHash } : {}),
      memoryInMBs: plan.memoryInMBs,
      timeoutInSeconds: plan.timeoutInSeconds,
      configKeys: Object.keys(plan.config).sort(),
      lifecycleState: fn.lifecycleState ?? "",
      ...(previous ? { previous } : {}),
    };
    if (inputs.invoke !== undefined) {
      const names = { fn: plan.functionName, image };
      result.invokeResponse = await testInvoke(clients, fn, inputs.invoke, names, ctx);
    }
    return result;
  } finally {
    clients.close();
    await ready?.image.release();
  }
}

/** The fngate-run tag a function this run creates carries; an update leaves tags alone. */
function createTags(runLabel: string | undefined): { createTags?: Record<string, string> } {
  const tags = runLabelTags(runLabel);
  return tags ? { createTags: tags } : {};
}
