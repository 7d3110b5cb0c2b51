/**
 * Jittered exponential backoff under an overall deadline, with an injectable sleep so waits are
 * measurable in benchmarks and instant in unit tests.
 */
export interface BackoffOptions {
  /** First delay; each next one doubles up to maxDelayMs ("full jitter": a random share of it). */
  initialDelayMs: number;
  maxDelayMs: number;
  deadlineMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `attempt` until it returns a value (not undefined) or the deadline passes; returns undefined
 * on timeout together with how many calls were made.
 */
export async function pollUntil<T>(
  attempt: () => Promise<T | undefined>,
  options: BackoffOptions,
): Promise<{ value: T | undefined; calls: number }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const start = now();
  let delay = options.initialDelayMs;
  let calls = 0;
  for (;;) {
    calls++;
    const value = await attempt();
    if (value !== undefined) return { value, calls };
    const remaining = options.deadlineMs - (now() - start);
    if (remaining <= 0) return { value: undefined, calls };
    // Half fixed, half random: spreads concurrent pollers without ever waiting close to zero.
    const wait = Math.min(remaining, delay / 2 + random() * (delay / 2));
    await sleep(wait);
    delay = Math.min(options.maxDelayMs, delay * 2);
  }
}
