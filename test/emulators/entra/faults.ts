// Fault injection for the Entra emulator: a test makes the next calls to an endpoint kind fail the
// way Entra does under load (429 throttling, 5xx transient errors), stall, or drop the connection,
// to prove retry paths against the real MSAL and jose clients.
import { type SeededFaultOptions, seededTransientDraw } from "../seeded-random.ts";
import { AadError } from "./errors.ts";

export type EntraEndpointKind = "token" | "discovery" | "keys";

export interface EntraFault {
  /** 429 or 5xx answered in Entra's error shape; leave out for a delay or reset alone. */
  status?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Wait before answering (latency). */
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
}

/** Any other way of choosing faults (seeded random ones); consulted after the queue. */
export type EntraFaultSource = (kind: EntraEndpointKind) => EntraFault | undefined;

export class EntraFaults {
  readonly #queue: { remaining: number; fault: EntraFault; kinds: readonly EntraEndpointKind[] }[] = [];
  readonly #sources: EntraFaultSource[] = [];
  /** How many faults have been injected so far. */
  injected = 0;
  /** Every injected fault in order: "429", "500", …, "reset" or "slow". */
  readonly log: string[] = [];

  /** Adds a source; the returned function removes it again. */
  add(source: EntraFaultSource): () => void {
    this.#sources.push(source);
    return () => {
      const index = this.#sources.indexOf(source);
      if (index >= 0) this.#sources.splice(index, 1);
    };
  }

  /** The next `count` calls to one of `kinds` (default: the token endpoint) get `fault`. */
  next(count: number, fault: EntraFault, kinds: readonly EntraEndpointKind[] = ["token"]): void {
    if (fault.status !== undefined && fault.status !== 429 && fault.status < 500)
      throw new Error("EntraFaults: status must be 429 or 5xx");
    this.#queue.push({ remaining: count, fault, kinds });
  }

  clear(): void {
    this.#queue.length = 0;
    this.#sources.length = 0;
  }

  take(kind: EntraEndpointKind): EntraFault | undefined {
    const entry = this.#queue.find((candidate) => candidate.kinds.includes(kind) && candidate.remaining > 0);
    let fault: EntraFault | undefined;
    if (entry) {
      entry.remaining -= 1;
      if (entry.remaining === 0) this.#queue.splice(this.#queue.indexOf(entry), 1);
      fault = entry.fault;
    } else {
      for (const source of this.#sources) {
        fault = source(kind);
        if (fault) break;
      }
    }
    if (!fault) return undefined;
    this.injected += 1;
    this.log.push(fault.reset ? "reset" : fault.status !== undefined ? String(fault.status) : "slow");
    return fault;
  }
}

/**
 * Transient faults drawn per call from a seed on the given endpoint kinds (default the token endpoint,
 * the one call MSAL makes per token): 429 with Retry-After, 500/502/503, a reset or a slow answer.
 */
export function seededEntraFaults(
  options: SeededFaultOptions,
  kinds: readonly EntraEndpointKind[] = ["token"],
): EntraFaultSource {
  const draw = seededTransientDraw(options);
  const [slowMin] = options.slowMs ?? [50, 200];
  return (kind) => {
    if (!kinds.includes(kind)) return undefined;
    const drawn = draw();
    if (drawn === undefined) return undefined;
    if (drawn === "reset") return { reset: true };
    if (drawn === "slow") return { delayMs: slowMin };
    const status = Number(drawn);
    return status === 429 ? { status, retryAfter: options.retryAfterSeconds ?? 1 } : { status };
  };
}

/** The error Entra answers with for a fault's status. */
export function faultError(status: number): AadError {
  if (status === 429)
    return new AadError(
      429,
      "temporarily_unavailable",
      90055,
      "TenantThrottlingError: There are too many incoming requests. Please try again later.",
    );
  return new AadError(
    status,
    "temporarily_unavailable",
    90033,
    "A transient error has occurred. Please try again.",
  );
}
