import { ociCallOptions } from "../oci/call-options.ts";
import type { FnDeployInputs } from "../oci/functions/deploy-plan.ts";
import type { SettingName } from "../oci/functions/function-changes.ts";
import { buildPlatformOf, type FunctionShape } from "../oci/functions/function-shape.ts";
import { type PreviousFunctionImage, previousFunctionImage } from "../oci/functions/previous-function.ts";
import { runLabelTags } from "../run-label.ts";
import type { StepContext } from "../step-context.ts";
import { type ImageTools, publishImage } from "./fn-deploy-image.ts";
import { testInvoke } from "./fn-deploy-invoke.ts";
import { type PreparedFunction, planLocally, prepareWith } from "./fn-deploy-prepare.ts";
import { heldLines } from "./held-lines.ts";

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
    // Read-only, so asked while the image is pushed: CreateFunction follows the push at once.
    const found = functionsApi.findFunctionId(clients.management, application.id, plan.functionName);
    found.catch(() => {}); // awaited by applyFunction; unawaited only when the push failed
    const { image, digest, repository, built, contextHash, tagForNextRun } = await publishImage(
      ready.image,
      target,
      inputs,
      tools,
      ctx,
    );

    const applied = await functionsApi.applyFunction(
      clients.management,
      {
        applicationId: application.id,
        displayName: plan.functionName,
        image,
        imageDigest: digest,
        memoryInMBs: plan.memoryInMBs,
        timeoutInSeconds: plan.timeoutInSeconds,
        config: plan.config,
        ...createTags(inputs.runLabel),
      },
      found,
    );
    // While the function settles; its lines are shown after the wait's.
    const tagLines = heldLines();
    const tagging = tagForNextRun?.(tagLines);
    tagging?.catch(() => {}); // awaited below; unawaited only when the wait failed
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

    await tagging;
    tagLines.show(ctx.logger);
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
