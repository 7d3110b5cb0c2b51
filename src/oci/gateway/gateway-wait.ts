import type { DeploymentClient, models, WorkRequestsClient } from "oci-apigateway";
import { describeError, UserError } from "../../errors.ts";
import { explainedCall } from "../oci-api-failure.ts";
import { type OciWait, pollOciUntil, waitUntilActive } from "../wait-backoff.ts";
import { GATEWAY_HINT, readDeployment } from "./gateway-api.ts";

/** What a work request wait says, in the words of the step that waits. */
export interface WorkRequestWords {
  /** What the wait is for, when the step's deadline interrupts it. */
  waiting(status: string): string;
  /** `errors` is ": <code>: <message>; ..." or "" when the work request listed none. */
  ended(status: string, operationType: string, errors: string): string;
  stillAfter(status: string, seconds: number): string;
}

/**
 * Follows an API Gateway work request (a create, update or delete) to its end. A FAILED or CANCELED
 * one is reported with its own errors, which say why the gateway refused the change.
 */
export async function followWorkRequest(
  client: WorkRequestsClient,
  workRequestId: string,
  options: OciWait,
  words: WorkRequestWords,
): Promise<void> {
  let status = "ACCEPTED";
  await pollOciUntil(
    async () => {
      const { workRequest } = await explainedCall(
        () => client.getWorkRequest({ workRequestId }),
        `reading work request ${workRequestId}`,
        GATEWAY_HINT,
      );
      status = String(workRequest.status);
      if (status === "SUCCEEDED") return true;
      if (status === "FAILED" || status === "CANCELED") {
        const errors = await workRequestErrors(client, workRequestId);
        throw new UserError(
          words.ended(status, String(workRequest.operationType), errors ? `: ${errors}` : ""),
        );
      }
      return undefined;
    },
    options,
    () => words.waiting(status),
    (seconds) => words.stillAfter(status, seconds),
  );
}

/** gateway-deploy's wait: OCI keeps serving the previous specification when a change fails. */
export function waitForWorkRequest(
  client: WorkRequestsClient,
  workRequestId: string,
  options: OciWait,
): Promise<void> {
  const name = `the API Gateway work request ${workRequestId}`;
  return followWorkRequest(client, workRequestId, options, {
    waiting: (status) => `waiting for ${name} (still ${status})`,
    ended: (status, operation, errors) =>
      `${name} (${operation}) ended ${status}${errors}. The deployment keeps its previous specification; fix the cause and run gateway-deploy again.`,
    stillAfter: (status, seconds) =>
      `${name} is still ${status} after ${seconds} s; set wait: false to skip waiting, or check it in the console.`,
  });
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
export function waitForDeploymentActive(
  client: DeploymentClient,
  deploymentId: string,
  options: OciWait,
): Promise<models.Deployment> {
  const read = async () => (await readDeployment(client, deploymentId)).deployment;
  return waitUntilActive({ kind: "deployment", id: deploymentId, read }, options, {
    failed: "",
    timedOut: "",
  });
}
