/**
 * Stages that run at the same time. Each gets the section's signal besides the step's own: the first
 * failure aborts the others, waits until every one has stopped (so nothing is left running behind the
 * error), and is what the section throws.
 */
export async function sideBySide<T extends readonly unknown[]>(
  signal: AbortSignal | undefined,
  branches: { [K in keyof T]: (signal: AbortSignal) => Promise<T[K]> },
): Promise<T> {
  const section = new AbortController();
  const combined = signal ? AbortSignal.any([signal, section.signal]) : section.signal;
  let first: { error: unknown } | undefined;
  const running = branches.map((branch) =>
    branch(combined).catch((error: unknown) => {
      if (!first) {
        first = { error };
        section.abort(error);
      }
      throw error;
    }),
  );
  const settled = await Promise.allSettled(running);
  if (first) throw first.error;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** A value one stage hands another that starts before it exists: the function OCID for the gateway. */
export interface HandOver<T> {
  promise: Promise<T>;
  give(value: T): void;
  /** The giver failed or will never give: the taker stops waiting with this error. */
  fail(error: unknown): void;
}

export function handOver<T>(): HandOver<T> {
  let give: (value: T) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const promise = new Promise<T>((resolve, reject) => {
    give = resolve;
    fail = reject;
  });
  // A taker that never came (its stage failed first) must not make this an unhandled rejection.
  promise.catch(() => {});
  return { promise, give, fail };
}
