// Fault injection for the Entra emulator: a test makes the next calls to an endpoint kind fail the
// way Entra does under load (429 throttling, 5xx transient errors), stall, or drop the connection,
// to prove retry paths against the real MSAL and jose clients.
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

export class EntraFaults {
  readonly #queue: { remaining: number; fault: EntraFault; kinds: readonly EntraEndpointKind[] }[] = [];
  /** How many faults have been injected so far. */
  injected = 0;

  /** The next `count` calls to one of `kinds` (default: the token endpoint) get `fault`. */
  next(count: number, fault: EntraFault, kinds: readonly EntraEndpointKind[] = ["token"]): void {
    if (fault.status !== undefined && fault.status !== 429 && fault.status < 500)
      throw new Error("EntraFaults: status must be 429 or 5xx");
    this.#queue.push({ remaining: count, fault, kinds });
  }

  clear(): void {
    this.#queue.length = 0;
  }

  take(kind: EntraEndpointKind): EntraFault | undefined {
    const entry = this.#queue.find((candidate) => candidate.kinds.includes(kind) && candidate.remaining > 0);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#queue.splice(this.#queue.indexOf(entry), 1);
    this.injected += 1;
    return entry.fault;
  }
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
