import { UserError } from "../errors.ts";
import type { OciProfile } from "../oci/oci-clients.ts";

/** The OCI profile an earlier fn-context step exported; undefined when there is none. */
export function exportedOciProfile(): OciProfile | undefined {
  const configFile = process.env.OCI_CLI_CONFIG_FILE?.trim();
  return configFile ? { configFile, profile: process.env.OCI_CLI_PROFILE?.trim() || "DEFAULT" } : undefined;
}

export function requireOciProfile(): OciProfile {
  const profile = exportedOciProfile();
  if (!profile) {
    throw new UserError(
      "no OCI profile: run fn-context first in this job (it writes ~/.oci/config and exports OCI_CLI_CONFIG_FILE and OCI_CLI_PROFILE).",
    );
  }
  return profile;
}
