import { statusOf } from "./fc-failure.ts";
import { retryingFcCall } from "./fc-retry.ts";
import { type FcClient, type FcFunction, GetFunctionRequest } from "./sdk.ts";
import { errorCode } from "./sdk-errors.ts";

/** How FC waits poll (a function becoming Active, or gone): 10% overshoot at most, as OCI's. */
export const FC_WAIT_BACKOFF = { initialDelayMs: 200, maxDelayMs: 5000, maxOvershootShare: 0.1 } as const;

/**
 * A Function Compute client whose calls are retried on what FC documents as transient (429, 5xx,
 * resets) and on nothing else, and stopped by the step's signal: what the deploy's calls
 * (FunctionsApi) and the teardown's (LabelledFunctions) have in common.
 */
export class FcCalls {
  protected readonly client: FcClient;
  protected readonly signal: AbortSignal | undefined;

  constructor(client: FcClient, signal?: AbortSignal) {
    this.client = client;
    this.signal = signal;
  }

  /** The function, or undefined when it does not exist (yet, or any more). */
  async get(name: string): Promise<FcFunction | undefined> {
    try {
      return (await this.retrying(() => this.client.getFunction(name, new GetFunctionRequest({})))).body;
    } catch (error) {
      if (isFunctionMissing(error)) return undefined;
      throw error;
    }
  }

  protected retrying<T>(call: () => Promise<T>): Promise<T> {
    return retryingFcCall(call, this.signal);
  }
}

export function isFunctionMissing(error: unknown): boolean {
  return statusOf(error) === 404 && errorCode(error) === "FunctionNotFound";
}
