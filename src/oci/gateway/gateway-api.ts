import { randomBytes } from "node:crypto";
import type { DeploymentClient, models } from "oci-apigateway";
import { UserError } from "../../errors.ts";
import { pollUntil, realSleep } from "../../retry/backoff.ts";
import { explainApiFailure, hasStatus, isOciError } from "../oci-api-failure.ts";
import type { MergeResult } from "./gateway-merge.ts";
import type { Json } from "./gateway-spec.ts";

export interface DeploymentTarget {
  gatewayId: string;
  /** Where a named deployment is looked up and created. */
  compartmentId: string | undefined;
  /** Display name, or the deployment's OCID. */
  deployment: string;
  deploymentIsOcid: boolean;
  /** Required to create; when set, an existing deployment must have it (OCI cannot change it). */
  pathPrefix: string | undefined;
  /** Freeform tags a created deployment gets (the run label); updates leave tags alone. */
  createTags?: Record<string, string> | undefined;
}

export interface AppliedDeployment {
  deployment: models.Deployment;
  action: "created" | "updated" | "unchanged";
  merge: MergeResult;
  /** Set when a create or update was accepted: its progress is followed there. */
  workRequestId: string | undefined;
  /** Updates refused with 412 because another writer came first. */
  preconditionRetries: number;
}

export interface ApplyOptions {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** How long to wait for a deployment another run is changing before updating it. */
  settleDeadlineMs: number;
}

export const GATEWAY_HINT =
  "Likely causes: the OCID is wrong or in another compartment or region, or the user's group lacks a policy such as 'Allow group <group> to manage api-gateway-family in compartment <name>'.";

/** Concurrent runs each re-read and re-merge after a 412; this many times, then give up. */
const MAX_PRECONDITION_RETRIES = 6;

/**
 * Creates the deployment or updates its specification to `merge(existing)`. With nothing different it
 * makes no mutating call. Updates carry the etag just read: a 412 means another writer changed the
 * deployment in between, so it is read again, merged again (keeping what the other writer added) and
 * written after a jittered pause.
 */
export async function applyDeployment(
  client: DeploymentClient,
  target: DeploymentTarget,
  merge: (existing: Json | undefined) => MergeResult,
  options: ApplyOptions,
): Promise<AppliedDeployment> {
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  let existing = await findDeployment(client, target);
  if (!existing) {
    const created = await createDeployment(client, target, merge);
    if ("deployment" in created) return created;
    existing = created.existing;
  }
  for (let attempt = 0; ; attempt++) {
    const { deployment, etag } = await readSettled(client, existing.id, options);
    if (target.pathPrefix !== undefined && deployment.pathPrefix !== target.pathPrefix) {
      throw new UserError(
        `deployment ${deployment.displayName} (${deployment.id}) serves path prefix ${deployment.pathPrefix}, not ${target.pathPrefix}: OCI cannot change a deployment's path prefix; use another deployment name or path-prefix ${deployment.pathPrefix}.`,
      );
    }
    const merged = merge(deployment.specification as unknown as Json);
    if (!merged.changed) {
      return {
        deployment,
        action: "unchanged",
        merge: merged,
        workRequestId: undefined,
        preconditionRetries: attempt,
      };
    }
    try {
      const response = await client.updateDeployment({
        deploymentId: deployment.id,
        updateDeploymentDetails: {
          specification: merged.specification as unknown as models.ApiSpecification,
        },
        ifMatch: etag,
      });
      return {
        deployment,
        action: "updated",
        merge: merged,
        workRequestId: response.opcWorkRequestId,
        preconditionRetries: attempt,
      };
    } catch (error) {
      // 412: another writer changed it since our read; 409 IncorrectState: another change is in flight.
      const raced =
        hasStatus(error, 412) ||
        (hasStatus(error, 409) && isOciError(error) && error.serviceCode === "IncorrectState");
      if (raced && attempt < MAX_PRECONDITION_RETRIES) {
        // Half fixed, half random, growing: two runs that collided should not collide again.
        const base = 250 * 2 ** Math.min(attempt, 4);
        await sleep(base / 2 + random() * (base / 2));
        continue;
      }
      throw explainApiFailure(
        error,
        `updating deployment ${deployment.displayName} (${deployment.id})`,
        GATEWAY_HINT,
      );
    }
  }
}

async function createDeployment(
  client: DeploymentClient,
  target: DeploymentTarget,
  merge: (existing: Json | undefined) => MergeResult,
): Promise<AppliedDeployment | { existing: models.Deployment }> {
  if (target.deploymentIsOcid) {
    throw new Error("a deployment OCID that does not exist must fail in findDeployment");
  }
  if (target.pathPrefix === undefined || target.compartmentId === undefined) {
    throw new UserError(
      `deployment ${JSON.stringify(target.deployment)} does not exist on gateway ${target.gatewayId} yet: set path-prefix (and compartment-ocid) to create it.`,
    );
  }
  const merged = merge(undefined);
  try {
    const response = await client.createDeployment({
      createDeploymentDetails: {
        gatewayId: target.gatewayId,
        compartmentId: target.compartmentId,
        pathPrefix: target.pathPrefix,
        displayName: target.deployment,
        specification: merged.specification as unknown as models.ApiSpecification,
        ...(target.createTags ? { freeformTags: target.createTags } : {}),
      },
      // The SDK may retry a create whose answer was lost; the token makes that retry harmless.
      opcRetryToken: randomBytes(16).toString("hex"),
    });
    return {
      deployment: response.deployment,
      action: "created",
      merge: merged,
      workRequestId: response.opcWorkRequestId,
      preconditionRetries: 0,
    };
  } catch (error) {
    // Another run created it first (same path prefix): update that one instead.
    const existing = hasStatus(error, 409) ? await findDeployment(client, target) : undefined;
    if (existing) return { existing };
    throw explainApiFailure(
      error,
      `creating deployment ${target.deployment} with path prefix ${target.pathPrefix} on gateway ${target.gatewayId}`,
      GATEWAY_HINT,
    );
  }
}

/** The deployment by OCID, or by display name on the gateway in the compartment, across every page. */
export async function findDeployment(
  client: DeploymentClient,
  target: DeploymentTarget,
): Promise<models.Deployment | undefined> {
  if (target.deploymentIsOcid) {
    const { deployment } = await readDeployment(client, target.deployment);
    if (deployment.gatewayId !== target.gatewayId) {
      throw new UserError(
        `deployment ${target.deployment} belongs to gateway ${deployment.gatewayId}, not gateway-ocid ${target.gatewayId}.`,
      );
    }
    return deployment;
  }
  if (target.compartmentId === undefined) {
    throw new UserError(
      "compartment-ocid is required when deployment is a name: it is where the deployment is looked up.",
    );
  }
  let page: string | undefined;
  try {
    do {
      const response = await client.listDeployments({
        compartmentId: target.compartmentId,
        gatewayId: target.gatewayId,
        displayName: target.deployment,
        ...(page ? { page } : {}),
      });
      const match = response.deploymentCollection.items.find(
        (item) =>
          item.displayName === target.deployment &&
          item.gatewayId === target.gatewayId &&
          !["DELETING", "DELETED", "FAILED"].includes(String(item.lifecycleState)),
      );
      if (match) return (await readDeployment(client, match.id)).deployment;
      page = response.opcNextPage || undefined;
    } while (page);
  } catch (error) {
    throw explainApiFailure(error, `listing deployments of gateway ${target.gatewayId}`, GATEWAY_HINT);
  }
  return undefined;
}

export async function readDeployment(
  client: DeploymentClient,
  deploymentId: string,
): Promise<{ deployment: models.Deployment; etag: string }> {
  try {
    const response = await client.getDeployment({ deploymentId });
    return { deployment: response.deployment, etag: response.etag };
  } catch (error) {
    throw explainApiFailure(error, `reading deployment ${deploymentId}`, GATEWAY_HINT);
  }
}

/** Reads the deployment once no other change is in flight: OCI refuses updates while CREATING/UPDATING. */
async function readSettled(
  client: DeploymentClient,
  deploymentId: string,
  options: ApplyOptions,
): Promise<{ deployment: models.Deployment; etag: string }> {
  const { value } = await pollUntil(
    async () => {
      const read = await readDeployment(client, deploymentId);
      const state = String(read.deployment.lifecycleState);
      if (state === "ACTIVE") return read;
      if (state !== "CREATING" && state !== "UPDATING") {
        throw new UserError(
          `deployment ${read.deployment.displayName} (${deploymentId}) is ${state}${read.deployment.lifecycleDetails ? `: ${read.deployment.lifecycleDetails}` : ""}; it cannot be updated.`,
        );
      }
      return undefined;
    },
    {
      initialDelayMs: 200,
      maxDelayMs: 5000,
      deadlineMs: options.settleDeadlineMs,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    },
  );
  if (value) return value;
  throw new UserError(
    `deployment ${deploymentId} stayed busy with another change; run gateway-deploy again later.`,
  );
}
