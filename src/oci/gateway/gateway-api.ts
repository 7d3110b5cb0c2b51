import { randomBytes } from "node:crypto";
import type { DeploymentClient, models } from "oci-apigateway";
import { UserError } from "../../errors.ts";
import { type BackoffOptions, pollUntil, realSleep } from "../../retry/backoff.ts";
import { explainApiFailure, explainedCall, hasStatus, isOciError } from "../oci-api-failure.ts";
import { pagedItems } from "../paged-items.ts";
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
  /**
   * The specification deployed before this call, and the etag it was read with (the read the update
   * needs anyway, so no extra call): what a rollback restores. Absent when this call created it.
   */
  previous?: { specification: Json; etag: string };
}

export interface ApplyOptions {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** How long to wait for a deployment another run is changing before updating it. */
  settleDeadlineMs: number;
  /** Where that wait says, every 20 s, that it is still waiting. */
  progress?: BackoffOptions["progress"];
  /** The deployment looked up already (findDeployment), while the function's OCID was awaited. */
  found?: Promise<models.Deployment | undefined>;
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
  let existing = await (options.found ?? findDeployment(client, target));
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
    const previous = { specification: deployment.specification as unknown as Json, etag };
    const merged = merge(previous.specification);
    if (!merged.changed) {
      return {
        deployment,
        action: "unchanged",
        merge: merged,
        workRequestId: undefined,
        preconditionRetries: attempt,
        previous,
      };
    }
    // 412: another writer changed it since our read; 409 IncorrectState: another change is in flight.
    const put = await replaceSpecification(client, deployment, merged.specification, etag, (error) => {
      const raced =
        hasStatus(error, 412) ||
        (hasStatus(error, 409) && isOciError(error) && error.serviceCode === "IncorrectState");
      return raced && attempt < MAX_PRECONDITION_RETRIES;
    });
    if (put === "raced") {
      // Half fixed, half random, growing: two runs that collided should not collide again.
      const base = 250 * 2 ** Math.min(attempt, 4);
      await sleep(base / 2 + random() * (base / 2));
      continue;
    }
    return {
      deployment,
      action: "updated",
      merge: merged,
      workRequestId: put.workRequestId,
      preconditionRetries: attempt,
      previous,
    };
  }
}

/**
 * Replaces a deployment's specification if it still has the etag just read (if-match). Returns the
 * work request to follow, or "raced" when `raced(error)` says another writer came first, so the
 * caller reads the deployment again and recomputes; any other failure is explained.
 */
export async function replaceSpecification(
  client: DeploymentClient,
  deployment: { id: string; displayName?: string | undefined },
  specification: Json,
  etag: string,
  raced: (error: unknown) => boolean,
): Promise<{ workRequestId: string | undefined } | "raced"> {
  try {
    const response = await client.updateDeployment({
      deploymentId: deployment.id,
      updateDeploymentDetails: { specification: specification as unknown as models.ApiSpecification },
      ifMatch: etag,
    });
    return { workRequestId: response.opcWorkRequestId };
  } catch (error) {
    if (raced(error)) return "raced";
    throw explainApiFailure(
      error,
      `updating deployment ${deployment.displayName} (${deployment.id})`,
      GATEWAY_HINT,
    );
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
  const listed = pagedItems(
    { compartmentId: target.compartmentId, gatewayId: target.gatewayId, displayName: target.deployment },
    client.listDeployments.bind(client),
    (response) => response.deploymentCollection.items,
  );
  let matchId: string | undefined;
  try {
    for await (const item of listed) {
      const live = !["DELETING", "DELETED", "FAILED"].includes(String(item.lifecycleState));
      if (live && item.displayName === target.deployment && item.gatewayId === target.gatewayId) {
        matchId = item.id;
        break;
      }
    }
  } catch (error) {
    throw explainApiFailure(error, `listing deployments of gateway ${target.gatewayId}`, GATEWAY_HINT);
  }
  return matchId === undefined ? undefined : (await readDeployment(client, matchId)).deployment;
}

export async function readDeployment(
  client: DeploymentClient,
  deploymentId: string,
): Promise<{ deployment: models.Deployment; etag: string }> {
  return explainedCall(
    () => client.getDeployment({ deploymentId }),
    `reading deployment ${deploymentId}`,
    GATEWAY_HINT,
  );
}

/** Reads the deployment once no other change is in flight: OCI refuses updates while CREATING/UPDATING. */
async function readSettled(
  client: DeploymentClient,
  deploymentId: string,
  options: ApplyOptions,
): Promise<{ deployment: models.Deployment; etag: string }> {
  let state = "ACTIVE";
  const { value } = await pollUntil(
    async () => {
      const read = await readDeployment(client, deploymentId);
      state = String(read.deployment.lifecycleState);
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
      ...(options.progress ? { progress: options.progress } : {}),
      describe: () => `waiting for deployment ${deploymentId} to finish another change (still ${state})`,
    },
  );
  if (value) return value;
  throw new UserError(
    `deployment ${deploymentId} stayed busy with another change; run gateway-deploy again later.`,
  );
}
