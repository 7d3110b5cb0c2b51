// mulberry32: a tiny seeded PRNG, so a fault schedule drawn from a seed is the same on every run and a
// failing seed can be replayed. Not for anything secret.
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The kinds of transient failure the seeded sources inject, as the R2 figure counts them. */
export type TransientKind = "429" | "500" | "502" | "503" | "reset" | "slow";

export interface SeededFaultOptions {
  seed: number;
  /** Share of calls that get a fault, 0..1. */
  rate: number;
  /** Kinds drawn with equal weight; default all. */
  kinds?: readonly TransientKind[];
  /** Latency of a slow response, drawn between these (ms); default 50..200. */
  slowMs?: readonly [number, number];
  /** Retry-After seconds sent with 429; default 1. */
  retryAfterSeconds?: number;
}

export const TRANSIENT_KINDS: readonly TransientKind[] = ["429", "500", "502", "503", "reset", "slow"];

/** Draws, per call, no fault or one transient fault; the same seed gives the same sequence of draws. */
export function seededTransientDraw(options: SeededFaultOptions): () => TransientKind | undefined {
  const random = mulberry32(options.seed);
  const kinds = options.kinds ?? TRANSIENT_KINDS;
  return () => {
    const hit = random() < options.rate;
    const pick = kinds[Math.floor(random() * kinds.length)];
    return hit ? pick : undefined;
  };
}

/** Counts of injected faults by kind, for the figure. */
export function countKinds(kinds: Iterable<TransientKind>): Record<TransientKind, number> {
  const counts: Record<TransientKind, number> = { "429": 0, "500": 0, "502": 0, "503": 0, reset: 0, slow: 0 };
  for (const kind of kinds) counts[kind] += 1;
  return counts;
}
