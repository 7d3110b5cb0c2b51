// Fault injection: a test decides that some of the next calls fail the way OCI fails under load
// (429 TooManyRequests, 500, 503), to prove the retry and backoff paths against the real SDK.
// Faults come from sources consulted in order; `next(count, fault)` is the simple queued source,
// and `add()` takes any other (seeded random faults, latency) without touching the server.
import { OciHttpError } from "./errors.ts";

export interface FaultSpec {
  status: number;
  /** OCI error code; defaults to the one OCI sends with that status. */
  code?: string;
  message?: string;
  /** Seconds, sent as the Retry-After header. */
  retryAfter?: number;
}

export interface FaultTarget {
  method: string;
  path: string;
  operation: string;
  /** "control" for management APIs, "data" for invoke; next() targets the control plane by default. */
  plane: "control" | "data";
}

export type FaultSource = (target: FaultTarget) => FaultSpec | undefined;

export interface NextFaultOptions {
  /** Only calls of these operations (e.g. "CreateFunction") consume the fault. */
  operations?: readonly string[];
  plane?: "control" | "data" | "any";
}

const DEFAULTS: Record<number, { code: string; message: string }> = {
  429: { code: "TooManyRequests", message: "Too many requests for the user, please retry later." },
  500: { code: "InternalServerError", message: "An internal server error occurred." },
  502: { code: "BadGateway", message: "Bad gateway." },
  503: { code: "ServiceUnavailable", message: "The service is currently unavailable." },
  504: { code: "GatewayTimeout", message: "The request timed out." },
};

export class FaultInjector {
  readonly #sources: FaultSource[] = [];
  /** How many faults have been injected so far, for assertions. */
  injected = 0;

  /** The next `count` matching calls answer with `fault` instead of reaching their handler. */
  next(count: number, fault: FaultSpec, options: NextFaultOptions = {}): void {
    let remaining = count;
    const plane = options.plane ?? "control";
    const source: FaultSource = (target) => {
      if (remaining <= 0) return undefined;
      if (plane !== "any" && target.plane !== plane) return undefined;
      if (options.operations && !options.operations.includes(target.operation)) return undefined;
      remaining -= 1;
      if (remaining === 0) this.remove(source);
      return fault;
    };
    this.add(source);
  }

  /** Adds a source; the returned function removes it again. */
  add(source: FaultSource): () => void {
    this.#sources.push(source);
    return () => this.remove(source);
  }

  remove(source: FaultSource): void {
    const index = this.#sources.indexOf(source);
    if (index >= 0) this.#sources.splice(index, 1);
  }

  clear(): void {
    this.#sources.length = 0;
  }

  /** The error to answer with, or undefined to let the call through. */
  take(target: FaultTarget): OciHttpError | undefined {
    for (const source of [...this.#sources]) {
      const fault = source(target);
      if (!fault) continue;
      this.injected += 1;
      const fallback = DEFAULTS[fault.status] ?? { code: "InternalServerError", message: "Injected fault." };
      return new OciHttpError(
        fault.status,
        fault.code ?? fallback.code,
        fault.message ?? fallback.message,
        fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) },
      );
    }
    return undefined;
  }
}
