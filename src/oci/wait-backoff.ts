import { UserError } from "../errors.ts";
import { type BackoffOptions, pollUntil } from "../retry/backoff.ts";

/**
 * How every OCI wait (a function becoming ACTIVE or DELETED, a work request) polls. The 5% overshoot
 * bound (or a second) keeps the pipeline's wall time near the cloud's own (bench P1): the gateway's work
 * request and the function's ACTIVE wait are on its critical path, and a 30 s work request seen 3 s
 * late alone would cost 0.075 of the 1.10 allowed; at 5% it is a call every 1.5 s or less.
 */
// The floor: in a wait's first 10 s a pause is at most half a second (about two reads a second), so a
// function that is ACTIVE within seconds is seen within half a second of it.
export const OCI_WAIT_BACKOFF = {
  initialDelayMs: 200,
  maxDelayMs: 5000,
  maxOvershootShare: 0.05,
  overshootFloorMs: 500,
} as const;

/** How long an OCI wait may take, and what may end it early. */
export interface OciWait {
  deadlineMs: number;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** The step's deadline: the wait stops with WaitInterrupted when it fires. */
  signal?: AbortSignal | undefined;
  /** The step's logger: a line every 20 s while the wait lasts (see pollUntil). */
  progress?: BackoffOptions["progress"];
}

/**
 * Calls `attempt` with OCI_WAIT_BACKOFF until it returns a value. `describe` names the wait when the
 * step's deadline interrupts it; at the wait's own deadline it fails with `timedOut(seconds)`.
 */
export async function pollOciUntil<T>(
  attempt: () => Promise<T | undefined>,
  wait: OciWait,
  describe: () => string,
  timedOut: (seconds: number) => string,
): Promise<T> {
  const { value } = await pollUntil(attempt, {
    ...OCI_WAIT_BACKOFF,
    deadlineMs: wait.deadlineMs,
    ...(wait.sleep ? { sleep: wait.sleep } : {}),
    ...(wait.signal ? { signal: wait.signal } : {}),
    ...(wait.progress ? { progress: wait.progress } : {}),
    describe,
  });
  if (value === undefined) throw new UserError(timedOut(Math.round(wait.deadlineMs / 1000)));
  return value;
}

/** An OCI resource as a lifecycle wait sees it. */
interface Lifecycled {
  displayName?: string | undefined;
  lifecycleState?: unknown;
  lifecycleDetails?: string | undefined;
}

/**
 * Reads a resource (a function, a deployment) until it is ACTIVE. FAILED is reported with OCI's own
 * lifecycle details; `advice` ends the FAILED and the timed-out line with what to do about it.
 */
export async function waitUntilActive<T extends Lifecycled>(
  resource: { kind: string; id: string; read(): Promise<T> },
  wait: OciWait,
  advice: { failed: string; timedOut: string },
): Promise<T> {
  let last: T | undefined;
  const name = () => `${resource.kind} ${last?.displayName ?? resource.id}`;
  return pollOciUntil(
    async () => {
      const current = await resource.read();
      last = current;
      const details = current.lifecycleDetails;
      if (String(current.lifecycleState) === "FAILED") {
        throw new UserError(
          `${resource.kind} ${current.displayName} went to FAILED${details ? `: ${details}` : ""}.${advice.failed}`,
        );
      }
      return String(current.lifecycleState) === "ACTIVE" ? current : undefined;
    },
    wait,
    () => `waiting for ${name()} to become ACTIVE (still ${String(last?.lifecycleState ?? "unknown")})`,
    (seconds) =>
      `${name()} is still ${String(last?.lifecycleState ?? "not ACTIVE")} after ${seconds} s; set wait: false to skip waiting${advice.timedOut}.`,
  );
}
