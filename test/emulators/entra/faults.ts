// Fault injection for the Entra emulator (the shared mechanism in ../faults.ts): faults are aimed at
// endpoint kinds (by default the token endpoint, the one call MSAL makes per token) and answered in
// Entra's error shape.
import { FaultQueue } from "../faults.ts";
import { AadError } from "./errors.ts";

export type EntraEndpointKind = "token" | "discovery" | "keys";

export type EntraFaults = FaultQueue<EntraEndpointKind, readonly EntraEndpointKind[]>;

export function entraFaults(): EntraFaults {
  return new FaultQueue<EntraEndpointKind, readonly EntraEndpointKind[]>((kind, kinds = ["token"]) =>
    kinds.includes(kind),
  );
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
