import type { protos, ServicesClient } from "@google-cloud/run";
import { UserError } from "../errors.ts";
import type { BackoffOptions } from "../retry/backoff.ts";
import { carriesRunLabel } from "../run-label.ts";
import { CODE, codeOf } from "./run-api-failure.ts";
import { CALL_DEADLINE_MS, waitForOperation } from "./run-operation.ts";
import { withRetry } from "./run-retry.ts";

type Service = protos.google.cloud.run.v2.IService;

const PAGE_SIZE = 100;

/** The services of `parent` (projects/P/locations/R) that carry the run label, across every page. */
export async function findLabelledServices(
  client: ServicesClient,
  parent: string,
  runLabel: string,
  signal?: AbortSignal,
): Promise<Service[]> {
  const found: Service[] = [];
  let pageToken = "";
  do {
    const request = { parent, pageSize: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) };
    const [services, next] = await withRetry(() => client.listServices(request, { autoPaginate: false }), {
      deadlineMs: CALL_DEADLINE_MS,
      activity: `listing the services of ${parent}`,
      ...(signal ? { signal } : {}),
    });
    for (const service of services) {
      if (carriesRunLabel(service.labels as Record<string, string> | null | undefined, runLabel))
        found.push(service);
    }
    pageToken = next?.pageToken ?? "";
  } while (pageToken);
  return found;
}

/**
 * Deletes one service with the etag it was listed with, so a service changed since (relabelled, say) is
 * not deleted on an old listing, and follows the operation until it is done. Returns false when the
 * service was already gone.
 */
export async function deleteServiceAndWait(
  client: ServicesClient,
  service: Service,
  options: {
    waitMs: number;
    signal?: AbortSignal | undefined;
    progress?: BackoffOptions["progress"];
    /** What the user does when the deletion fails or outlasts the wait (default: run teardown again). */
    retry?: string;
  },
): Promise<boolean> {
  const retry = options.retry ?? "run teardown again";
  const name = service.name ?? "";
  const signalOption = options.signal ? { signal: options.signal } : {};
  let operationName: string;
  try {
    const [operation] = await withRetry(
      () => client.deleteService({ name, ...(service.etag ? { etag: service.etag } : {}) }),
      { deadlineMs: CALL_DEADLINE_MS, activity: `deleting service ${name}`, ...signalOption },
    );
    if (operation.done) return true;
    operationName = operation.name ?? "";
  } catch (error) {
    if (codeOf(error) === CODE.NOT_FOUND) return false;
    if (codeOf(error) === CODE.ABORTED) {
      throw new UserError(
        `service ${name} changed while teardown ran (its etag no longer matches), so it was not deleted: run teardown again.`,
      );
    }
    throw error;
  }
  await waitForOperation((operation) => client.checkDeleteServiceProgress(operation), {
    operationName,
    waitMs: options.waitMs,
    signal: options.signal,
    maxOvershootShare: 0.1,
    // A deletion can take minutes: a line every 20 s says it is still going.
    ...(options.progress ? { progress: options.progress } : {}),
    describe: `waiting for operation ${operationName} (deleting ${name}) to finish`,
    failed: (reason) =>
      `deleting ${name} failed (${reason}): check the service in the Cloud Run console, then ${retry}.`,
    stillRunning: (seconds) =>
      `operation ${operationName} (deleting ${name}) was still running after ${seconds} s: ${retry} later to confirm the service is gone.`,
  });
  return true;
}
