// Fault injection: a test decides that some of the next calls fail the way OCI fails under load
// (429 TooManyRequests, 500, 503), to prove the retry and backoff paths against the real SDK.
// Faults come from sources consulted in order; `next(count, fault)` is the simple queued source,
// and `add()` takes any other (seeded random faults, latency) without touching the server.
// Besides an error status, a source may drop the connection (`{ reset: true }`) or answer late
// (`{ delayMs }`, then the call proceeds normally); `seededTransientFaults` draws all of them from a seed.
import { type SeededFaultOptions, seededTransientDraw, type TransientKind } from "../seeded-random.ts";
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

/** A fault that is not an error answer: the connection dropped, or the answer delayed. */
export type Disruption = { reset: true } | { delayMs: number };

export type FaultSource = (target: FaultTarget) => FaultSpec | Disruption | undefined;

/** What the server does with a call instead of (or before) handling it. */
export type InjectedFault =
  | { kind: "error"; error: OciHttpError }
  | { kind: "reset" }
  | { kind: "delay"; delayMs: number };

/** One injected fault, for figures and assertions. */
export interface InjectedRecord {
  operation: string;
  /** "429", "500", … for error answers; "reset" or "slow". */
  kind: string;
}

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
  /** Every injected fault in order. */
  readonly log: InjectedRecord[] = [];

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

  /** The error to answer with, or undefined to let the call through (resets and delays are skipped). */
  take(target: FaultTarget): OciHttpError | undefined {
    const fault = this.takeAny(target);
    return fault?.kind === "error" ? fault.error : undefined;
  }

  /** The fault to inject into this call, of any kind, or undefined to let it through. */
  takeAny(target: FaultTarget): InjectedFault | undefined {
    for (const source of [...this.#sources]) {
      const fault = source(target);
      if (!fault) continue;
      this.injected += 1;
      if ("reset" in fault) {
        this.log.push({ operation: target.operation, kind: "reset" });
        return { kind: "reset" };
      }
      if ("delayMs" in fault) {
        this.log.push({ operation: target.operation, kind: "slow" });
        return { kind: "delay", delayMs: fault.delayMs };
      }
      this.log.push({ operation: target.operation, kind: String(fault.status) });
      const fallback = DEFAULTS[fault.status] ?? { code: "InternalServerError", message: "Injected fault." };
      const error = new OciHttpError(
        fault.status,
        fault.code ?? fallback.code,
        fault.message ?? fallback.message,
        fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) },
      );
      return { kind: "error", error };
    }
    return undefined;
  }
}

/**
 * Transient control-plane faults drawn per call from a seed: 429 with Retry-After, 500/502/503, a
 * dropped connection or a slow answer, on `rate` of the calls. Data-plane calls (invoke) pass.
 */
export function seededTransientFaults(options: SeededFaultOptions): FaultSource {
  const draw = seededTransientDraw(options);
  const [slowMin, slowMax] = options.slowMs ?? [50, 200];
  let slowIndex = 0;
  return (target) => {
    if (target.plane !== "control") return undefined;
    const kind: TransientKind | undefined = draw();
    if (kind === undefined) return undefined;
    if (kind === "reset") return { reset: true };
    // Spread over the range without another random draw, so the schedule depends on the seed alone.
    if (kind === "slow") return { delayMs: slowMin + ((slowIndex++ * 37) % (slowMax - slowMin + 1)) };
    const status = Number(kind);
    return status === 429 ? { status, retryAfter: options.retryAfterSeconds ?? 1 } : { status };
  };
}
