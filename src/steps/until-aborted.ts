/**
 * Waits for `work`, or stops waiting as soon as `signal` aborts. For token calls that take no abort
 * signal (MSAL's, Google's): when another branch fails, the token stage stops at once (the abandoned
 * call ends with the process) instead of holding the failed run open.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
