import { WaitInterrupted } from "../deadline.ts";

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
  /**
   * For waits on a resource to settle: caps each pause at this share of the time waited so far (never
   * below a second), so the wait ends at most that share (or a second) after the resource did.
   * Doubling alone can see a 3 s settle at 4.6 s; 0.1 sees an 8 s one within ~1 s in ~12 calls.
   */
  maxOvershootShare?: number;
  /**
   * The shortest pause maxOvershootShare may cap to (default a second). A wait on a pipeline's
   * critical path may take a shorter one: its first seconds then cost more calls, not more time.
   */
  overshootFloorMs?: number;
  /** Stops the wait early (the step's deadline): pollUntil then throws WaitInterrupted. */
  signal?: AbortSignal;
  /** What the wait is for, as the WaitInterrupted message names it ("waiting for ..."). */
  describe?: () => string;
  /**
   * Where a long wait reports itself: a line in each PROGRESS_EVERY_MS window naming what it waits for
   * (describe) and the time so far, so a ten-minute cloud wait is never silent; each poll in debug.
   */
  progress?: { info(message: string): void; debug(message: string): void } | undefined;
}

/** How often a wait says it is still waiting. */
export const PROGRESS_EVERY_MS = 20_000;

/** Below a second, a tighter overshoot bound would only add calls. */
const OVERSHOOT_FLOOR_MS = 1000;

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
  const { signal } = options;
  const interrupted = () => new WaitInterrupted(options.describe?.() ?? "waiting", signal?.reason);
  const report = progressReport(options, start, now);
  for (;;) {
    if (signal?.aborted) throw interrupted();
    calls++;
    const value = await attempt();
    if (value !== undefined) return { value, calls };
    report(calls);
    const remaining = options.deadlineMs - (now() - start);
    if (remaining <= 0) return { value: undefined, calls };
    if (options.maxOvershootShare !== undefined) {
      const floor = options.overshootFloorMs ?? OVERSHOOT_FLOOR_MS;
      delay = Math.min(delay, Math.max(floor, options.maxOvershootShare * (now() - start)));
    }
    // Half fixed, half random: spreads concurrent pollers without ever waiting close to zero.
    const wait = Math.min(remaining, delay / 2 + random() * (delay / 2));
    await sleepOrAbort(sleep(wait), signal, interrupted);
    delay = Math.min(options.maxDelayMs, delay * 2);
  }
}

/**
 * After each unanswered poll: a debug line, and an info line for each 20 s window the wait has entered
 * (one at 20 s, one at 40 s...), so there is one line per window and never more.
 */
function progressReport(options: BackoffOptions, start: number, now: () => number): (calls: number) => void {
  const { progress, describe } = options;
  if (!progress || !describe) return () => {};
  let window = 1;
  return (calls) => {
    const elapsed = now() - start;
    const seconds = Math.round(elapsed / 1000);
    progress.debug(`poll ${calls}: ${describe()}, ${seconds} s so far`);
    if (elapsed < window * PROGRESS_EVERY_MS) return;
    window = Math.floor(elapsed / PROGRESS_EVERY_MS) + 1;
    const what = describe();
    progress.info(`${what.charAt(0).toUpperCase()}${what.slice(1)}: ${seconds} s so far.`);
  };
}

/** Ends a (possibly injected) sleep early when the signal fires, rejecting with `interrupted()`. */
export function sleepOrAbort(
  sleeping: Promise<void>,
  signal: AbortSignal | undefined,
  interrupted: () => Error,
): Promise<void> {
  if (!signal) return sleeping;
  if (signal.aborted) return Promise.reject(interrupted());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(interrupted());
    signal.addEventListener("abort", onAbort, { once: true });
    sleeping.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
