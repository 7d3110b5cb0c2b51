import type { protos, ServicesClient } from "@google-cloud/run";
import type { BackoffOptions } from "../retry/backoff.ts";
import { CODE, codeOf, googleMessage } from "./run-api-failure.ts";
import { CALL_DEADLINE_MS, waitForOperation } from "./run-operation.ts";
import { withRetry } from "./run-retry.ts";

type Service = protos.google.cloud.run.v2.IService;

/** The service, or undefined when there is none by that name yet. */
export async function getService(
  client: ServicesClient,
  name: string,
  signal?: AbortSignal,
): Promise<Service | undefined> {
  try {
    const [service] = await withRetry(() => client.getService({ name }), {
      deadlineMs: CALL_DEADLINE_MS,
      activity: `reading service ${name}`,
      ...(signal ? { signal } : {}),
    });
    return service;
  } catch (error) {
    if (codeOf(error) === CODE.NOT_FOUND && /SERVICE|service/.test(googleMessage(error))) return undefined;
    throw error;
  }
}

/**
 * Creates or updates the service in one call (PATCH with allowMissing) and waits for its long-running
 * operation, polling with backoff until `waitMs` or the step's deadline; returns the service as the
 * operation left it.
 */
export async function upsertService(
  client: ServicesClient,
  service: Service,
  options: { waitMs: number; wait: boolean; signal?: AbortSignal; progress?: BackoffOptions["progress"] },
): Promise<{ operationName: string; done: boolean }> {
  const signalOption = options.signal ? { signal: options.signal } : {};
  const [operation] = await withRetry(() => client.updateService({ service, allowMissing: true }), {
    deadlineMs: CALL_DEADLINE_MS,
    activity: `deploying service ${service.name}`,
    ...signalOption,
  });
  const operationName = operation.name ?? "";
  if (!options.wait || operation.done) return { operationName, done: operation.done === true };
  await waitForOperation((operation) => client.checkUpdateServiceProgress(operation), {
    operationName,
    waitMs: options.waitMs,
    // Each pause at most 1/20 of the time waited so far (1 s at least): a 30 s rollout is seen done
    // within ~1.5 s of its end, not up to 5 s later (P1-CR: a pipeline within 1.10 of the cloud's waits).
    maxOvershootShare: 0.05,
    signal: options.signal,
    ...(options.progress ? { progress: options.progress } : {}),
    describe: `waiting for operation ${operationName} (deploying ${service.name}) to finish`,
    failed: (reason) =>
      `the deployment of ${service.name} failed (${reason}): read the revision's logs in the Cloud Run console, fix the cause and deploy again.`,
    stillRunning: (seconds) =>
      `operation ${operationName} was still running after ${seconds} s: the service keeps deploying; raise deadline-minutes or set wait: false.`,
  });
  return { operationName, done: true };
}
