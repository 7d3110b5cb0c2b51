import type { GithubTokenSource } from "../gcp/credential-choice.ts";
import { RUN_LABEL_KEY } from "../run-label.ts";
import type { StepContext } from "../step-context.ts";
import type { DeletedResource, TeardownInputs, TeardownResult } from "./teardown-types.ts";

/**
 * Deletes what one run created, found by its run label (fngate-run=<label>) and nothing else: a
 * function, service or deployment another run created, or one without the label, is never touched.
 * Each deletion is followed until the cloud reports it done; a second teardown finds nothing.
 */
export async function teardown(
  inputs: TeardownInputs,
  ctx: StepContext,
  tools: GithubTokenSource,
): Promise<TeardownResult> {
  ctx.logger.info(`Looking for what carries ${RUN_LABEL_KEY}=${inputs.runLabel} (${scopeOf(inputs)}).`);
  let result: TeardownResult;
  if (inputs.cloud === "oci") {
    result = await (await import("./teardown-oci.ts")).teardownOci(inputs, ctx);
  } else if (inputs.cloud === "cloud-run") {
    result = await (await import("./teardown-cloud-run.ts")).teardownCloudRun(inputs, ctx, tools);
  } else {
    result = await (await import("./teardown-fc.ts")).teardownFc(inputs, ctx);
  }
  ctx.logger.info(
    result.deleted.length === 0
      ? `Nothing carries ${RUN_LABEL_KEY}=${inputs.runLabel} in ${scopeOf(inputs)}: nothing to delete.`
      : `Deleted ${describeCount(result.deleted)} labelled ${RUN_LABEL_KEY}=${inputs.runLabel}.`,
  );
  return result;
}

export function scopeOf(inputs: TeardownInputs): string {
  if (inputs.cloud === "oci") {
    const parts = [`compartment ${inputs.compartmentId}`];
    if (inputs.application) parts.push(`application ${inputs.application}`);
    if (inputs.gatewayId) parts.push(`gateway ${inputs.gatewayId}`);
    return parts.join(", ");
  }
  if (inputs.cloud === "cloud-run")
    return `Cloud Run services of project ${inputs.project} in ${inputs.region}`;
  return `Function Compute functions in ${inputs.region}`;
}

/** "2 functions, 1 deployment and 1 route". */
export function describeCount(deleted: readonly DeletedResource[]): string {
  const counts = new Map<string, number>();
  for (const resource of deleted) counts.set(resource.kind, (counts.get(resource.kind) ?? 0) + 1);
  const parts = [...counts].map(([kind, count]) => `${count} ${kind}${count === 1 ? "" : "s"}`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "nothing");
}
