import type { DeploymentClient, models, WorkRequestsClient } from "oci-apigateway";
import { describeError, UserError } from "../../errors.ts";
import { pollUntil } from "../../retry/backoff.ts";
import { explainApiFailure } from "../oci-api-failure.ts";
import { OCI_WAIT_BACKOFF } from "../wait-backoff.ts";
import { GATEWAY_HINT, readDeployment } from "./gateway-api.ts";

export interface WaitOptions {
  deadlineMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** The step's deadline: the wait stops with WaitInterrupted when it fires. */
  signal?: AbortSignal;
}

/** The injectable parts of WaitOptions that pollUntil takes as they are. */
function passThrough(options: WaitOptions) {
  return {
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * Follows a create or update to its end. A FAILED work request is reported with its own errors,
 * which say why the gateway refused the specification (OCI keeps serving the previous one).
 */
export async function waitForWorkRequest(
  client: WorkRequestsClient,
  workRequestId: string,
  options: WaitOptions,
): Promise<void> {
  let last = "ACCEPTED";
  const { value } = await pollUntil(
    async () => {
      let request: models.WorkRequest;
      try {
        ({ workRequest: request } = await client.getWorkRequest({ workRequestId }));
      } catch (error) {
        throw explainApiFailure(error, `reading work request ${workRequestId}`, GATEWAY_HINT);
      }
      last = String(request.status);
      if (last === "SUCCEEDED") return true;
      if (last === "FAILED" || last === "CANCELED") {
        const errors = await workRequestErrors(client, workRequestId);
        throw new UserError(
          `the API Gateway work request ${workRequestId} (${request.operationType}) ended ${last}${errors ? `: ${errors}` : ""}. The deployment keeps its previous specification; fix the cause and run gateway-deploy again.`,
        );
      }
      return undefined;
    },
    {
      ...OCI_WAIT_BACKOFF,
      deadlineMs: options.deadlineMs,
      ...passThrough(options),
      describe: () => `waiting for the API Gateway work request ${workRequestId} (still ${last})`,
    },
  );
  if (!value) {
    throw new UserError(
      `the API Gateway work request ${workRequestId} is still ${last} after ${Math.round(options.deadlineMs / 1000)} s; set wait: false to skip waiting, or check it in the console.`,
    );
  }
}

async function workRequestErrors(client: WorkRequestsClient, workRequestId: string): Promise<string> {
  try {
    const { workRequestErrorCollection } = await client.listWorkRequestErrors({ workRequestId });
    return workRequestErrorCollection.items.map((error) => `${error.code}: ${error.message}`).join("; ");
  } catch (error) {
    return `(its errors could not be listed: ${describeError(error)})`;
  }
}

/** Polls until the deployment is ACTIVE; FAILED is reported with OCI's lifecycle details. */
export async function waitForDeploymentActive(
  client: DeploymentClient,
  deploymentId: string,
  options: WaitOptions,
): Promise<models.Deployment> {
  let last: models.Deployment | undefined;
  const { value } = await pollUntil(
    async () => {
      const { deployment } = await readDeployment(client, deploymentId);
      last = deployment;
      if (String(deployment.lifecycleState) === "FAILED") {
        throw new UserError(
          `deployment ${deployment.displayName} went to FAILED${deployment.lifecycleDetails ? `: ${deployment.lifecycleDetails}` : ""}.`,
        );
      }
      return String(deployment.lifecycleState) === "ACTIVE" ? deployment : undefined;
    },
    {
      ...OCI_WAIT_BACKOFF,
      deadlineMs: options.deadlineMs,
      ...passThrough(options),
      describe: () =>
        `waiting for deployment ${last?.displayName ?? deploymentId} to become ACTIVE (still ${String(last?.lifecycleState ?? "unknown")})`,
    },
  );
  if (value) return value;
  throw new UserError(
    `deployment ${last?.displayName ?? deploymentId} is still ${String(last?.lifecycleState ?? "not ACTIVE")} after ${Math.round(options.deadlineMs / 1000)} s; set wait: false to skip waiting.`,
  );
}
