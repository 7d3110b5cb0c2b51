import { UserError } from "./errors.ts";

/**
 * The overall deadline of one step (the `deadline-minutes` input, or a CLI flag): an AbortSignal that
 * fires when it is reached, and what the step was doing at that moment, so the failure says more than
 * "timed out". Adapter-neutral: the GitHub adapter (src/github/run.ts) and a CLI both start one.
 */
export const DEADLINE_INPUT = "deadline-minutes";
export const DEFAULT_DEADLINE_MINUTES = 15;
/** GitHub's own job limit is 6 hours; a longer step deadline could never be reached. */
export const MAX_DEADLINE_MINUTES = 360;

/** Reads the input's text; blank means the default. */
export function parseDeadlineMinutes(text: string | undefined, name = DEADLINE_INPUT): number {
  const trimmed = text?.trim() ?? "";
  if (trimmed === "") return DEFAULT_DEADLINE_MINUTES;
  const minutes = /^\d+(\.\d+)?$|^\.\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_DEADLINE_MINUTES) {
    throw new UserError(
      `${name} must be a number of minutes above 0 and at most ${MAX_DEADLINE_MINUTES} (such as 15 or 0.5); got ${JSON.stringify(trimmed.slice(0, 40))}.`,
    );
  }
  return minutes;
}

/**
 * The deadline's minutes for a step that parses its inputs next: a refused value starts the default
 * deadline and is handed on (`noted`), so the parser names it together with the other inputs' problems.
 */
export function deadlineMinutesOrNoted(
  text: string | undefined,
  name = DEADLINE_INPUT,
): { minutes: number; noted: Error[] } {
  try {
    return { minutes: parseDeadlineMinutes(text, name), noted: [] };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { minutes: DEFAULT_DEADLINE_MINUTES, noted: [error] };
  }
}

/** The abort reason once the deadline is reached. */
export class DeadlineReached extends Error {
  override readonly name = "DeadlineReached";
  readonly minutes: number;
  constructor(minutes: number) {
    super(`${DEADLINE_INPUT} (${minutes}) reached`);
    this.minutes = minutes;
  }
}

/**
 * Thrown by a wait that stopped because its signal fired; `activity` says what it was waiting for
 * ("waiting for function hello to become ACTIVE (still CREATING)").
 */
export class WaitInterrupted extends Error {
  override readonly name = "WaitInterrupted";
  readonly activity: string;
  constructor(activity: string, reason: unknown) {
    super(`stopped ${activity}`, { cause: reason });
    this.activity = activity;
  }
}

export interface StepDeadline {
  readonly minutes: number;
  readonly signal: AbortSignal;
  /** What the step is doing now, for the message; waits report their own, more precise, activity. */
  activity: string;
  /** Runs `work` with `activity` as the current activity, restoring the previous one after. */
  during<T>(activity: string, work: () => Promise<T>): Promise<T>;
  /**
   * Settles like `work`, except that once the deadline fires, `work` gets `graceMs` to stop by itself
   * (its waits throw WaitInterrupted naming what they waited for); then this rejects anyway, so a call
   * that ignores the signal cannot keep the step running.
   */
  race<T>(work: Promise<T>, graceMs?: number): Promise<T>;
  /** The one line the user reads when `error` happened after the deadline fired. */
  message(error: unknown): string;
  stop(): void;
}

export function startDeadline(minutes: number, activity = "running the step"): StepDeadline {
  const controller = new AbortController();
  // What was going on when the deadline fired: by the time the message is written, the stage that was
  // running has unwound and restored the step-wide activity.
  let atDeadline: string | undefined;
  const timer = setTimeout(() => {
    atDeadline = deadline.activity;
    controller.abort(new DeadlineReached(minutes));
  }, minutes * 60_000);
  // The timer alone must not keep a finished step's process alive.
  timer.unref();
  const deadline: StepDeadline = {
    minutes,
    signal: controller.signal,
    activity,
    async during(current, work) {
      const previous = deadline.activity;
      deadline.activity = current;
      try {
        return await work();
      } finally {
        deadline.activity = previous;
      }
    },
    race(work, graceMs = 1500) {
      return new Promise((resolve, reject) => {
        let graceTimer: NodeJS.Timeout | undefined;
        const onAbort = () => {
          graceTimer = setTimeout(() => reject(controller.signal.reason), graceMs);
        };
        if (controller.signal.aborted) onAbort();
        else controller.signal.addEventListener("abort", onAbort, { once: true });
        work.then(resolve, reject).finally(() => {
          clearTimeout(graceTimer);
          controller.signal.removeEventListener("abort", onAbort);
        });
      });
    },
    message(error) {
      const context = atDeadline ?? deadline.activity;
      const doing =
        error instanceof WaitInterrupted
          ? `${error.activity}${context === activity ? "" : ` in ${context}`}`
          : context;
      return `${DEADLINE_INPUT} (${minutes}) reached while ${doing}; raise ${DEADLINE_INPUT} if the step needs longer, or find out what is slow.`;
    },
    stop() {
      clearTimeout(timer);
    },
  };
  return deadline;
}

/** Sleeps `ms`, or rejects with WaitInterrupted(activity) as soon as `signal` fires. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined, activity: () => string) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new WaitInterrupted(activity(), signal.reason));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WaitInterrupted(activity(), signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
