import { sleepUnlessAborted } from "../deadline.ts";
import { isRetryable } from "./fc-failure.ts";

/**
 * One Function Compute call, retried on what FC documents as transient (throttling, 5xx, dropped
 * connections): at most five attempts, jittered delays from 0.5 s doubling to 8 s, stopped by `signal`.
 */
export async function retryingFcCall<T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  let delay = 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 5 || !isRetryable(error)) throw error;
      await sleepUnlessAborted(
        delay / 2 + Math.random() * (delay / 2),
        signal,
        () => "retrying a Function Compute call",
      );
      delay = Math.min(delay * 2, 8000);
    }
  }
}
