import { explainedCall, hasStatus } from "../oci-api-failure.ts";
import type { OciWait } from "../wait-backoff.ts";
import { GATEWAY_HINT, readDeployment, replaceSpecification } from "./gateway-api.ts";
import type { GatewayClients } from "./gateway-clients.ts";
import type { Json } from "./gateway-spec.ts";
import { followWorkRequest, type WorkRequestWords, waitForDeploymentActive } from "./gateway-wait.ts";

/** Another writer may change the deployment between our read and our write; re-read this often. */
const MAX_PRECONDITION_RETRIES = 3;

/**
 * Puts a deployment's previous specification back: UpdateDeployment with the etag read just before
 * it (if-match for optimistic concurrency:
 * https://docs.oracle.com/en-us/iaas/tools/dotnet/90.0.0/api/Oci.ApigatewayService.Requests.UpdateDeploymentRequest.html),
 * then its work request and the deployment ACTIVE again, serving the previous routes.
 */
export async function restoreSpecification(
  clients: Pick<GatewayClients, "deployments" | "workRequests">,
  deploymentId: string,
  specification: Json,
  wait: OciWait,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { deployment, etag } = await readDeployment(clients.deployments, deploymentId);
    const put = await replaceSpecification(
      clients.deployments,
      deployment,
      specification,
      etag,
      (error) => hasStatus(error, 412) && attempt < MAX_PRECONDITION_RETRIES,
    );
    if (put === "raced") continue;
    if (put.workRequestId) {
      await followWorkRequest(
        clients.workRequests,
        put.workRequestId,
        wait,
        words(deploymentId, "restoring"),
      );
    }
    await waitForDeploymentActive(clients.deployments, deploymentId, wait);
    return;
  }
}

/** Deletes a deployment this run created (with the etag just read) and follows its work request. */
export async function deleteDeployment(
  clients: Pick<GatewayClients, "deployments" | "workRequests">,
  deploymentId: string,
  wait: OciWait,
): Promise<void> {
  const { etag } = await readDeployment(clients.deployments, deploymentId);
  const response = await explainedCall(
    () => clients.deployments.deleteDeployment({ deploymentId, ifMatch: etag }),
    `deleting deployment ${deploymentId}`,
    GATEWAY_HINT,
  );
  if (response.opcWorkRequestId) {
    await followWorkRequest(
      clients.workRequests,
      response.opcWorkRequestId,
      wait,
      words(deploymentId, "deleting"),
    );
  }
}

function words(deploymentId: string, doing: "restoring" | "deleting"): WorkRequestWords {
  const what = `${doing} deployment ${deploymentId}`;
  return {
    waiting: (status) => `waiting for ${what} (still ${status})`,
    ended: (status, _operation, errors) => `${what}: its work request ended ${status}${errors}`,
    stillAfter: (status, seconds) => `${what}: its work request is still ${status} after ${seconds} s`,
  };
}
