import type { protos, ServicesClient } from "@google-cloud/run";
import { UserError } from "../errors.ts";
import { pollUntil } from "../retry/backoff.ts";
import { CODE, codeOf, googleMessage } from "./run-api-failure.ts";
import { withRetry } from "./run-retry.ts";

type Service = protos.google.cloud.run.v2.IService;

const CALL_DEADLINE_MS = 60_000;

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
  options: { waitMs: number; wait: boolean; signal?: AbortSignal },
): Promise<{ operationName: string; done: boolean }> {
  const signalOption = options.signal ? { signal: options.signal } : {};
  const [operation] = await withRetry(() => client.updateService({ service, allowMissing: true }), {
    deadlineMs: CALL_DEADLINE_MS,
    activity: `deploying service ${service.name}`,
    ...signalOption,
  });
  const operationName = operation.name ?? "";
  if (!options.wait || operation.done) return { operationName, done: operation.done === true };
  let last = "running";
  const polled = await pollUntil(
    async () => {
      const current = await withRetry(() => client.checkUpdateServiceProgress(operationName), {
        deadlineMs: CALL_DEADLINE_MS,
        activity: `waiting for operation ${operationName}`,
        ...signalOption,
      });
      if (!current.done) return undefined;
      if (current.error) {
        last = `${current.error.code ?? ""} ${current.error.message ?? ""}`.trim();
        throw new UserError(
          `the deployment of ${service.name} failed (${last}): read the revision's logs in the Cloud Run console, fix the cause and deploy again.`,
        );
      }
      return true;
    },
    {
      initialDelayMs: 500,
      maxDelayMs: 5000,
      deadlineMs: options.waitMs,
      ...signalOption,
      describe: () => `waiting for operation ${operationName} to finish`,
    },
  );
  if (polled.value === undefined) {
    throw new UserError(
      `operation ${operationName} was still ${last} after ${Math.round(options.waitMs / 1000)} s: the service keeps deploying; raise deadline-minutes or set wait: false.`,
    );
  }
  return { operationName, done: true };
}
