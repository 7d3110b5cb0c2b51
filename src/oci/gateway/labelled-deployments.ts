import type { DeploymentClient, models, WorkRequestsClient } from "oci-apigateway";
import { describeError, UserError } from "../../errors.ts";
import { pollUntil } from "../../retry/backoff.ts";
import { carriesRunLabel, RUN_LABEL_KEY } from "../../run-label.ts";
import type { DeletionWait } from "../functions/labelled-functions.ts";
import { explainApiFailure, hasStatus } from "../oci-api-failure.ts";
import { OCI_WAIT_BACKOFF } from "../wait-backoff.ts";
import { GATEWAY_HINT } from "./gateway-api.ts";
import type { Json } from "./gateway-spec.ts";
import { withoutRoutesTo } from "./route-removal.ts";

export interface DeploymentRef {
  id: string;
  displayName: string;
  /** Carries the run label: this run created it. */
  labelled: boolean;
  lifecycleState: string;
}

const GONE = new Set(["DELETING", "DELETED"]);
/** Concurrent writers each re-read after a 412; this many times, then give up. */
const MAX_PRECONDITION_RETRIES = 3;

/** The deployments of the compartment (on one gateway when given) that are not deleted, every page. */
export async function listDeployments(
  client: DeploymentClient,
  scope: { compartmentId: string; gatewayId?: string | undefined },
  runLabel: string,
): Promise<DeploymentRef[]> {
  const found: DeploymentRef[] = [];
  let page: string | undefined;
  try {
    do {
      const response = await client.listDeployments({
        compartmentId: scope.compartmentId,
        ...(scope.gatewayId ? { gatewayId: scope.gatewayId } : {}),
        ...(page ? { page } : {}),
      });
      for (const item of response.deploymentCollection.items) {
        const state = String(item.lifecycleState);
        if (GONE.has(state)) continue;
        found.push({
          id: item.id,
          displayName: item.displayName ?? item.id,
          labelled: carriesRunLabel(item.freeformTags, runLabel),
          lifecycleState: state,
        });
      }
      page = response.opcNextPage || undefined;
    } while (page);
  } catch (error) {
    throw explainApiFailure(error, `listing deployments in compartment ${scope.compartmentId}`, GATEWAY_HINT);
  }
  return found;
}

/**
 * Deletes a deployment the run created, read first and deleted with that read's etag. Returns the
 * work request to follow, or undefined when it was already gone.
 */
export async function deleteLabelledDeployment(
  client: DeploymentClient,
  deployment: DeploymentRef,
  runLabel: string,
): Promise<string | undefined> {
  const read = await readDeployment(client, deployment);
  if (!read) return undefined;
  if (!carriesRunLabel(read.deployment.freeformTags, runLabel)) {
    throw new UserError(
      `deployment ${deployment.displayName} (${deployment.id}) no longer carries ${RUN_LABEL_KEY}=${runLabel}: it was changed while teardown ran, so it is left as it is; run teardown again.`,
    );
  }
  try {
    const response = await client.deleteDeployment({ deploymentId: deployment.id, ifMatch: read.etag });
    return response.opcWorkRequestId;
  } catch (error) {
    if (hasStatus(error, 404)) return undefined;
    throw explainApiFailure(
      error,
      `deleting deployment ${deployment.displayName} (${deployment.id})`,
      GATEWAY_HINT,
    );
  }
}

export interface RoutesRemoved {
  removed: string[];
  mixed: string[];
  /** Set when the deployment would be left without a route: nothing was changed. */
  wouldBeEmpty: boolean;
  workRequestId: string | undefined;
}

/**
 * Removes from a deployment this run did not create the routes to functions it did create (they are
 * about to be deleted). A 412 means another writer came first: read again and recompute.
 */
export async function removeRoutesTo(
  client: DeploymentClient,
  deployment: DeploymentRef,
  functionIds: ReadonlySet<string>,
): Promise<RoutesRemoved> {
  for (let attempt = 0; ; attempt++) {
    const read = await readDeployment(client, deployment);
    if (!read || String(read.deployment.lifecycleState) !== "ACTIVE") {
      return { removed: [], mixed: [], wouldBeEmpty: false, workRequestId: undefined };
    }
    const removal = withoutRoutesTo(read.deployment.specification as unknown as Json, functionIds);
    const none = { removed: [], mixed: removal.mixed, workRequestId: undefined };
    if (removal.removed.length === 0) return { ...none, wouldBeEmpty: false };
    // An API deployment needs a route; emptying one the run did not create is for its owner to decide.
    if (removal.remaining === 0) return { ...none, removed: removal.removed, wouldBeEmpty: true };
    try {
      const response = await client.updateDeployment({
        deploymentId: deployment.id,
        updateDeploymentDetails: {
          specification: removal.specification as unknown as models.ApiSpecification,
        },
        ifMatch: read.etag,
      });
      return {
        ...none,
        removed: removal.removed,
        wouldBeEmpty: false,
        workRequestId: response.opcWorkRequestId,
      };
    } catch (error) {
      if (hasStatus(error, 412) && attempt < MAX_PRECONDITION_RETRIES) continue;
      throw explainApiFailure(
        error,
        `updating deployment ${deployment.displayName} (${deployment.id})`,
        GATEWAY_HINT,
      );
    }
  }
}

async function readDeployment(
  client: DeploymentClient,
  deployment: DeploymentRef,
): Promise<{ deployment: models.Deployment; etag: string } | undefined> {
  try {
    const response = await client.getDeployment({ deploymentId: deployment.id });
    if (GONE.has(String(response.deployment.lifecycleState))) return undefined;
    return { deployment: response.deployment, etag: response.etag };
  } catch (error) {
    if (hasStatus(error, 404)) return undefined;
    throw explainApiFailure(
      error,
      `reading deployment ${deployment.displayName} (${deployment.id})`,
      GATEWAY_HINT,
    );
  }
}

/** Follows a delete or route removal to its end; a FAILED work request is reported with its errors. */
export async function waitForWorkRequestDone(
  client: WorkRequestsClient,
  workRequestId: string,
  what: string,
  options: DeletionWait,
): Promise<void> {
  let status = "ACCEPTED";
  const { value } = await pollUntil(
    async () => {
      try {
        status = String((await client.getWorkRequest({ workRequestId })).workRequest.status);
      } catch (error) {
        throw explainApiFailure(error, `reading work request ${workRequestId}`, GATEWAY_HINT);
      }
      if (status === "SUCCEEDED") return true;
      if (status === "FAILED" || status === "CANCELED") {
        throw new UserError(
          `${what}: the API Gateway work request ${workRequestId} ended ${status}${await errorsOf(client, workRequestId)}; check the deployment in the console, then run teardown again.`,
        );
      }
      return undefined;
    },
    {
      ...OCI_WAIT_BACKOFF,
      deadlineMs: options.deadlineMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      describe: () => `waiting for ${what} (work request ${workRequestId} still ${status})`,
    },
  );
  if (!value) {
    throw new UserError(
      `${what}: work request ${workRequestId} is still ${status} after ${Math.round(options.deadlineMs / 1000)} s; run teardown again later to confirm.`,
    );
  }
}

async function errorsOf(client: WorkRequestsClient, workRequestId: string): Promise<string> {
  try {
    const { workRequestErrorCollection } = await client.listWorkRequestErrors({ workRequestId });
    const text = workRequestErrorCollection.items
      .map((error) => `${error.code}: ${error.message}`)
      .join("; ");
    return text ? `: ${text}` : "";
  } catch (error) {
    return ` (its errors could not be listed: ${describeError(error)})`;
  }
}
