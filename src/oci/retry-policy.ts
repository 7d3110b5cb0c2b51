import { type DelayStrategy, MaxTimeTerminationStrategy, type RetryConfiguration } from "oci-common";
import type { ProxyRefusal } from "../step-context.ts";

/**
 * How every OCI client fngate builds retries one call: what the SDK's default condition retries
 * (429 TooManyRequests, 409 IncorrectState, 500/502/503/504, a dropped connection), nothing else:
 * 400, 401, 403, 404 and 412 fail at once, a retry cannot fix them. Its delays start at 1 s and double
 * with under a second of jitter, so concurrent runs retry in lockstep and a throttled pipeline spends
 * most of its time asleep: ours start at 250 ms, double up to 8 s and are half random ("equal jitter").
 * The SDK hides Retry-After from the retry condition; the doubling delays catch up with a short one.
 */
export function ociRetryConfiguration(
  retrySeconds = 60,
  run: { signal?: AbortSignal | undefined; proxyRefusal?: (() => ProxyRefusal | undefined) | undefined } = {},
): RetryConfiguration {
  const { signal, proxyRefusal } = run;
  return {
    terminationStrategy: untilProxyRefuses(new MaxTimeTerminationStrategy(retrySeconds), proxyRefusal),
    delayStrategy: jitteredDelay(0.25, 8),
    // Once the step's deadline fired, a retry would only delay the clean failure.
    retryCondition: (error) => !signal?.aborted && isTransient(error),
  };
}

/** The SDK's DefaultRetryCondition (not exported by oci-common), written out. */
export function isTransient(error: { statusCode: number; serviceCode?: string }): boolean {
  const { statusCode, serviceCode } = error;
  if (Number.isNaN(statusCode) || statusCode === -1) return true;
  if ([500, 502, 503, 504].includes(statusCode)) return true;
  return (
    // Any 429: a throttling proxy in front of OCI may not send OCI's error code.
    statusCode === 429 || (statusCode === 409 && serviceCode === "IncorrectState")
  );
}

type TerminationStrategy = NonNullable<RetryConfiguration["terminationStrategy"]>;

/**
 * The SDK retries every network error, and a proxy's refusal reaches it as one ("fetch failed"); a
 * proxy that answered 403 or 407 will answer the same a minute later, so retrying stops there.
 */
function untilProxyRefuses(
  inner: TerminationStrategy,
  proxyRefusal: (() => ProxyRefusal | undefined) | undefined,
): TerminationStrategy {
  return {
    shouldTerminate: (context) => {
      const failure = proxyRefusal?.();
      const refusedNow = failure?.permanent === true && failure.at >= context.startTime;
      return refusedNow || inner.shouldTerminate(context);
    },
  };
}

export function jitteredDelay(
  initialSeconds: number,
  maxSeconds: number,
  random: () => number = Math.random,
): DelayStrategy {
  return {
    delay: (context) => {
      const ceiling = Math.min(maxSeconds, initialSeconds * 2 ** context.attemptCount);
      return ceiling / 2 + random() * (ceiling / 2);
    },
  };
}
