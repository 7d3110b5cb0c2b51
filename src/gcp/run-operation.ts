import { UserError } from "../errors.ts";
import { type BackoffOptions, pollUntil } from "../retry/backoff.ts";
import { withRetry } from "./run-retry.ts";

/** How long one Cloud Run Admin call (with its retries) may take. */
export const CALL_DEADLINE_MS = 60_000;

/** A long-running operation as its progress check answers it. */
interface OperationState {
  done?: boolean | null;
  error?: { code?: number | null; message?: string | null } | null;
}

/** One wait for a Cloud Run operation, in the words of the step that waits. */
export interface OperationWait {
  operationName: string;
  waitMs: number;
  signal?: AbortSignal | undefined;
  /** Bounds each pause to this share of the time waited so far (see BackoffOptions). */
  maxOvershootShare?: number;
  /** Names the wait when the step's deadline interrupts it, and in its progress lines. */
  describe: string;
  /** The step's logger: a line every 20 s while the operation runs (see pollUntil). */
  progress?: BackoffOptions["progress"];
  /** The line for an operation that ended with an error ("<code> <message>"). */
  failed(reason: string): string;
  /** The line for an operation still running after `seconds`. */
  stillRunning(seconds: number): string;
}

/**
 * Polls a Cloud Run long-running operation with backoff until it is done (each progress check retried
 * on 429/5xx/resets); an operation that ended with an error is the user's to fix, and says why.
 */
export async function waitForOperation(
  check: (operationName: string) => Promise<OperationState>,
  wait: OperationWait,
): Promise<void> {
  const { operationName } = wait;
  const signalOption = wait.signal ? { signal: wait.signal } : {};
  const polled = await pollUntil(
    async () => {
      const current = await withRetry(() => check(operationName), {
        deadlineMs: CALL_DEADLINE_MS,
        activity: `waiting for operation ${operationName}`,
        ...signalOption,
      });
      if (!current.done) return undefined;
      if (current.error) {
        throw new UserError(wait.failed(`${current.error.code ?? ""} ${current.error.message ?? ""}`.trim()));
      }
      return true;
    },
    {
      initialDelayMs: 500,
      maxDelayMs: 5000,
      ...(wait.maxOvershootShare === undefined ? {} : { maxOvershootShare: wait.maxOvershootShare }),
      deadlineMs: wait.waitMs,
      ...signalOption,
      ...(wait.progress ? { progress: wait.progress } : {}),
      describe: () => wait.describe,
    },
  );
  if (polled.value === undefined) throw new UserError(wait.stillRunning(Math.round(wait.waitMs / 1000)));
}
