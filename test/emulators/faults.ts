// Fault injection, one mechanism for every emulator: a test decides that some of the next calls fail
// the way the cloud fails under load (429, 5xx), answer late or drop the connection, to prove retry
// and backoff paths against the real SDKs. Faults come from sources consulted in order; `next` is
// the simple queued source, `add` takes any other (seeded random faults, a test's own rule). Each
// emulator names what a call is (its Target), how `next` picks calls (its Filter) and how it answers.

export interface Fault {
  /** The error status to answer with; leave out for a delay or a reset alone. */
  status?: number;
  /** The cloud's error code; each emulator has a default per status. */
  code?: string;
  message?: string;
  /** Seconds, sent as the Retry-After header. */
  retryAfter?: number;
  /** Wait this long first (latency); without a status the call then proceeds normally. */
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
}

export type FaultSource<Target> = (target: Target) => Fault | undefined;

export class FaultQueue<Target, Filter> {
  readonly #sources: FaultSource<Target>[] = [];
  /** Every injected fault in order: "429", "500", …, "reset" or "slow", for figures and assertions. */
  readonly log: string[] = [];

  readonly #matches: (target: Target, filter: Filter | undefined) => boolean;

  /** `matches` says whether a call is one a `next(…, filter)` fault is aimed at. */
  constructor(matches: (target: Target, filter: Filter | undefined) => boolean) {
    this.#matches = matches;
  }

  /** How many faults have been injected so far. */
  get injected(): number {
    return this.log.length;
  }

  /** Sources still armed (a queued fault is disarmed once its calls are met). */
  get pending(): number {
    return this.#sources.length;
  }

  /** The next `count` calls that match `filter` get `fault` instead of reaching their handler. */
  next(count: number, fault: Fault, filter?: Filter): void {
    let remaining = count;
    const source: FaultSource<Target> = (target) => {
      if (remaining <= 0 || !this.#matches(target, filter)) return undefined;
      remaining -= 1;
      if (remaining === 0) this.#remove(source);
      return fault;
    };
    this.add(source);
  }

  /** Adds a source; the returned function removes it again. */
  add(source: FaultSource<Target>): () => void {
    this.#sources.push(source);
    return () => this.#remove(source);
  }

  clear(): void {
    this.#sources.length = 0;
  }

  /** The fault to inject into this call, or undefined to let it through. */
  take(target: Target): Fault | undefined {
    for (const source of [...this.#sources]) {
      const fault = source(target);
      if (!fault) continue;
      this.log.push(fault.reset ? "reset" : fault.status !== undefined ? String(fault.status) : "slow");
      return fault;
    }
    return undefined;
  }

  #remove(source: FaultSource<Target>): void {
    const index = this.#sources.indexOf(source);
    if (index >= 0) this.#sources.splice(index, 1);
  }
}

/** The kinds of transient failure the seeded sources inject, as the R2 figure counts them. */
export type TransientKind = "429" | "500" | "502" | "503" | "reset" | "slow";

export interface SeededFaultOptions {
  seed: number;
  /** Share of calls that get a fault, 0..1. */
  rate: number;
  /** Kinds drawn with equal weight; default all. */
  kinds?: readonly TransientKind[];
  /** Latency of a slow response, spread between these (ms); default 50..200. */
  slowMs?: readonly [number, number];
  /** Retry-After seconds sent with 429; default 1. */
  retryAfterSeconds?: number;
}

const TRANSIENT_KINDS: readonly TransientKind[] = ["429", "500", "502", "503", "reset", "slow"];

/**
 * Transient faults drawn per call from a seed, on `rate` of the calls `applies` accepts: 429 with
 * Retry-After, 500/502/503, a dropped connection or a slow answer. The same seed gives the same
 * schedule on every run (mulberry32 below).
 */
export function seededFaults<Target>(
  options: SeededFaultOptions,
  applies: (target: Target) => boolean,
): FaultSource<Target> {
  const random = mulberry32(options.seed);
  const kinds = options.kinds ?? TRANSIENT_KINDS;
  const [slowMin, slowMax] = options.slowMs ?? [50, 200];
  let slowIndex = 0;
  return (target) => {
    if (!applies(target)) return undefined;
    const hit = random() < options.rate;
    const kind = kinds[Math.floor(random() * kinds.length)];
    if (!hit || kind === undefined) return undefined;
    if (kind === "reset") return { reset: true };
    // Spread over the range without another random draw, so the schedule depends on the seed alone.
    if (kind === "slow") return { delayMs: slowMin + ((slowIndex++ * 37) % (slowMax - slowMin + 1)) };
    const status = Number(kind);
    return status === 429 ? { status, retryAfter: options.retryAfterSeconds ?? 1 } : { status };
  };
}

/** Counts of injected faults by kind, for the figure. */
export function countKinds(kinds: Iterable<string>): Record<TransientKind, number> {
  const counts: Record<TransientKind, number> = { "429": 0, "500": 0, "502": 0, "503": 0, reset: 0, slow: 0 };
  for (const kind of kinds) counts[kind as TransientKind] += 1;
  return counts;
}

// mulberry32: a tiny seeded PRNG, so a fault schedule drawn from a seed is the same on every run and a
// failing seed can be replayed. Not for anything secret.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
