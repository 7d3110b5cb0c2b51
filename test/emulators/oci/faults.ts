// Fault injection for the OCI emulator (the shared mechanism in ../faults.ts): faults are aimed at
// calls by operation and plane, and answered with the code OCI sends with that status.
import { type Fault, FaultQueue } from "../faults.ts";
import { OciHttpError } from "./errors.ts";

export interface FaultTarget {
  method: string;
  path: string;
  operation: string;
  /** "control" for management APIs, "data" for invoke; next() targets the control plane by default. */
  plane: "control" | "data";
}

export interface NextFaultOptions {
  /** Only calls of these operations (e.g. "CreateFunction") consume the fault. */
  operations?: readonly string[];
  plane?: "control" | "data" | "any";
}

export type OciFaults = FaultQueue<FaultTarget, NextFaultOptions>;

export function ociFaults(): OciFaults {
  return new FaultQueue<FaultTarget, NextFaultOptions>((target, options = {}) => {
    const plane = options.plane ?? "control";
    if (plane !== "any" && target.plane !== plane) return false;
    return !options.operations || options.operations.includes(target.operation);
  });
}

const DEFAULTS: Record<number, { code: string; message: string }> = {
  429: { code: "TooManyRequests", message: "Too many requests for the user, please retry later." },
  500: { code: "InternalServerError", message: "An internal server error occurred." },
  502: { code: "BadGateway", message: "Bad gateway." },
  503: { code: "ServiceUnavailable", message: "The service is currently unavailable." },
  504: { code: "GatewayTimeout", message: "The request timed out." },
};

/** The error OCI answers for a fault with a status. */
export function faultError(status: number, fault: Fault): OciHttpError {
  const fallback = DEFAULTS[status] ?? { code: "InternalServerError", message: "Injected fault." };
  return new OciHttpError(
    status,
    fault.code ?? fallback.code,
    fault.message ?? fallback.message,
    fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) },
  );
}
