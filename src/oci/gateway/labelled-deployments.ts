import type { DeploymentClient, models, WorkRequestsClient } from "oci-apigateway";
import { carriesRunLabel } from "../../run-label.ts";
import { explainApiFailure, explainedCall, hasStatus, unlessGone } from "../oci-api-failure.ts";
import { pagedItems } from "../paged-items.ts";
import { requireStillLabelled } from "../still-labelled.ts";
import type { OciWait } from "../wait-backoff.ts";
import { GATEWAY_HINT, replaceSpecification } from "./gateway-api.ts";
import type { Json } from "./gateway-spec.ts";
import { followWorkRequest } from "./gateway-wait.ts";
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
  const listed = pagedItems(
    { compartmentId: scope.compartmentId, ...(scope.gatewayId ? { gatewayId: scope.gatewayId } : {}) },
    client.listDeployments.bind(client),
    (response) => response.deploymentCollection.items,
  );
  try {
    for await (const item of listed) {
      const state = String(item.lifecycleState);
      if (GONE.has(state)) continue;
      found.push({
        id: item.id,
        displayName: item.displayName ?? item.id,
        labelled: carriesRunLabel(item.freeformTags, runLabel),
        lifecycleState: state,
      });
    }
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
  requireStillLabelled(
    `deployment ${deployment.displayName} (${deployment.id})`,
    read.deployment.freeformTags,
    runLabel,
  );
  const deleted = await explainedCall(
    () => unlessGone(() => client.deleteDeployment({ deploymentId: deployment.id, ifMatch: read.etag })),
    `deleting deployment ${deployment.displayName} (${deployment.id})`,
    GATEWAY_HINT,
  );
  return deleted?.opcWorkRequestId;
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
    const put = await replaceSpecification(
      client,
      deployment,
      removal.specification,
      read.etag,
      (error) => hasStatus(error, 412) && attempt < MAX_PRECONDITION_RETRIES,
    );
    if (put === "raced") continue;
    return { ...none, removed: removal.removed, wouldBeEmpty: false, workRequestId: put.workRequestId };
  }
}

async function readDeployment(
  client: DeploymentClient,
  deployment: DeploymentRef,
): Promise<{ deployment: models.Deployment; etag: string } | undefined> {
  const read = await explainedCall(
    () => unlessGone(() => client.getDeployment({ deploymentId: deployment.id })),
    `reading deployment ${deployment.displayName} (${deployment.id})`,
    GATEWAY_HINT,
  );
  return read && !GONE.has(String(read.deployment.lifecycleState)) ? read : undefined;
}

/** Follows a delete or route removal to its end; a FAILED work request is reported with its errors. */
export function waitForWorkRequestDone(
  client: WorkRequestsClient,
  workRequestId: string,
  what: string,
  options: OciWait,
): Promise<void> {
  return followWorkRequest(client, workRequestId, options, {
    waiting: (status) => `waiting for ${what} (work request ${workRequestId} still ${status})`,
    ended: (status, _operation, errors) =>
      `${what}: the API Gateway work request ${workRequestId} ended ${status}${errors}; check the deployment in the console, then run teardown again.`,
    stillAfter: (status, seconds) =>
      `${what}: work request ${workRequestId} is still ${status} after ${seconds} s; run teardown again later to confirm.`,
  });
}
