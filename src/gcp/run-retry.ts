import { sleepUnlessAborted } from "../deadline.ts";
import { isTransient } from "./run-api-failure.ts";

export interface RetryOptions {
  deadlineMs: number;
  signal?: AbortSignal;
  activity: string;
  /** Extra answers worth another try (an IAM etag conflict). */
  alsoRetry?: (error: unknown) => boolean;
  random?: () => number;
}

/** Retries 429/5xx/resets (and `alsoRetry`) with jittered backoff until the deadline; nothing else. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const stop = Date.now() + options.deadlineMs;
  let delay = 500;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const again = isTransient(error) || options.alsoRetry?.(error) === true;
      if (!again || Date.now() + delay > stop) throw error;
      await sleepUnlessAborted(delay / 2 + random() * (delay / 2), options.signal, () => options.activity);
      delay = Math.min(8000, delay * 2);
    }
  }
}
