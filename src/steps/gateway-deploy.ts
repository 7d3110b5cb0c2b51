import type { models } from "oci-apigateway";
import { ociCallOptions } from "../oci/call-options.ts";
import { type DeployedApi, deployedApi } from "../oci/gateway/deployed-api.ts";
import {
  type GatewayDeployInputs,
  type GatewayPlanInputs,
  planGatewayDeploy,
  planGatewaySettings,
} from "../oci/gateway/gateway-plan.ts";
import { authChecks, type Json } from "../oci/gateway/gateway-spec.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import type { StepContext } from "../step-context.ts";

export type { GatewayDeployInputs };

export interface GatewayDeployTools {
  /** For waits and 412 pauses; real timers when absent. */
  sleep?: (ms: number) => Promise<void>;
}

export interface GatewayDeployResult {
  gatewayId: string;
  deploymentId: string;
  deploymentName: string;
  pathPrefix: string;
  endpoint: string;
  /** endpoint + the first route's path: what a smoke test calls. */
  url: string;
  action: "created" | "updated" | "unchanged";
  changed: boolean;
  lifecycleState: string;
  authType: string;
  jwksUri: string;
  issuers: string[];
  audiences: string[];
  added: string[];
  replaced: string[];
  removed: string[];
  preconditionRetries: number;
  /** Every route and the authentication policy now deployed: what a failed smoke test is compared with. */
  api: DeployedApi;
  /**
   * The specification deployed before this run and the etag it was read with (absent when this run
   * created the deployment): what a failed smoke test puts back.
   */
  previous?: { specification: Json; etag: string };
}

const WAIT_DEADLINE_MS = 600_000;

/**
 * Puts functions behind an API Gateway deployment guarded by token authentication against a remote
 * JWKS: the routes are merged into what is deployed (other routes stay unless prune), concurrent runs
 * are reconciled through if-match, and a re-run with nothing new makes no mutating call.
 */
export async function deployGateway(
  inputs: GatewayDeployInputs,
  ctx: StepContext,
  tools: GatewayDeployTools = {},
  /** lookUpDeployment's answer, asked before the function's OCID was known. */
  found?: Promise<models.Deployment | undefined>,
): Promise<GatewayDeployResult> {
  const plan = planGatewayDeploy(inputs);
  // Loaded on demand: the API Gateway SDK is the bulk of the bundle.
  const [{ gatewayClients }, { applyDeployment }, { mergeSpecification }, wait] = await Promise.all([
    import("../oci/gateway/gateway-clients.ts"),
    import("../oci/gateway/gateway-api.ts"),
    import("../oci/gateway/gateway-merge.ts"),
    import("../oci/gateway/gateway-wait.ts"),
  ]);
  const clients = gatewayClients({ ...inputs.ociProfile, ...ociCallOptions(ctx) });
  const sleep = tools.sleep ? { sleep: tools.sleep } : {};
  try {
    const applied = await applyDeployment(
      clients.deployments,
      plan,
      (existing) =>
        mergeSpecification(existing, {
          auth: plan.auth,
          routes: plan.routes,
          prune: plan.prune,
          allowAnonymous: plan.allowAnonymous,
        }),
      { settleDeadlineMs: WAIT_DEADLINE_MS, ...sleep, progress: ctx.logger, ...(found ? { found } : {}) },
    );
    const { merge } = applied;
    for (const note of merge.notes) ctx.logger.info(note);
    if (applied.preconditionRetries > 0) {
      ctx.logger.info(
        `Another writer changed the deployment meanwhile: re-read and merged again (${applied.preconditionRetries}x).`,
      );
    }
    const name = applied.deployment.displayName ?? plan.deployment;
    ctx.logger.info(
      applied.action === "unchanged"
        ? `Deployment ${name} already has this specification: no change made.`
        : applied.action === "created"
          ? `Creating deployment ${name} (${applied.deployment.id}) at ${applied.deployment.pathPrefix}.`
          : `Updating deployment ${name}: ${describeChanges(merge)}.`,
    );
    let deployment = applied.deployment;
    const { workRequestId } = applied;
    if (plan.wait && workRequestId) {
      const id = deployment.id;
      deployment = await ctx.logger.group(`Waiting for deployment ${name} to become ACTIVE`, async () => {
        ctx.logger.info(`Work request ${workRequestId}.`);
        await wait.waitForWorkRequest(clients.workRequests, workRequestId, {
          deadlineMs: WAIT_DEADLINE_MS,
          ...sleep,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          progress: ctx.logger,
        });
        const active = await wait.waitForDeploymentActive(clients.deployments, id, {
          deadlineMs: WAIT_DEADLINE_MS,
          ...sleep,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          progress: ctx.logger,
        });
        ctx.logger.info(`Deployment ${name} is ACTIVE.`);
        return active;
      });
    }
    const checks = authChecks(merge.authentication);
    const endpoint = deployment.endpoint ?? "";
    const firstPath = plan.routes[0]?.path ?? "/";
    return {
      gatewayId: plan.gatewayId,
      deploymentId: deployment.id,
      deploymentName: name,
      pathPrefix: deployment.pathPrefix,
      endpoint,
      url: `${endpoint.replace(/\/+$/, "")}${firstPath}`,
      action: applied.action,
      changed: applied.action !== "unchanged",
      lifecycleState: String(deployment.lifecycleState ?? ""),
      authType: checks.type,
      jwksUri: checks.jwksUri,
      issuers: checks.issuers,
      audiences: checks.audiences,
      added: merge.added,
      replaced: merge.replaced,
      removed: merge.removed,
      preconditionRetries: applied.preconditionRetries,
      api: deployedApi(merge.specification, merge.authentication, {
        endpoint,
        pathPrefix: deployment.pathPrefix,
      }),
      ...(applied.previous ? { previous: applied.previous } : {}),
    };
  } finally {
    clients.close();
  }
}

function describeChanges(merge: { added: string[]; replaced: string[]; removed: string[] }): string {
  const parts = [
    merge.added.length > 0 ? `added ${merge.added.join("; ")}` : "",
    merge.replaced.length > 0 ? `replaced ${merge.replaced.join("; ")}` : "",
    merge.removed.length > 0 ? `removed ${merge.removed.join("; ")}` : "",
  ].filter(Boolean);
  return parts.join(", ") || "authentication policy changed";
}

/**
 * The deployment deployGateway would look up first (read-only): the pipeline asks while fn-deploy
 * makes the function the routes call, and hands the answer to deployGateway.
 */
export async function lookUpDeployment(
  inputs: GatewayPlanInputs & { ociProfile: OciProfile },
  ctx: StepContext,
): Promise<models.Deployment | undefined> {
  const target = planGatewaySettings(inputs);
  const [{ gatewayClients }, { findDeployment }] = await Promise.all([
    import("../oci/gateway/gateway-clients.ts"),
    import("../oci/gateway/gateway-api.ts"),
  ]);
  const clients = gatewayClients({ ...inputs.ociProfile, ...ociCallOptions(ctx) });
  try {
    return await findDeployment(clients.deployments, target);
  } finally {
    clients.close();
  }
}
