import { existsSync } from "node:fs";
import { join } from "node:path";
import type { OciProfile } from "../oci/oci-clients.ts";

/**
 * The OCI profile later commands use: OCI_CLI_CONFIG_FILE/OCI_CLI_PROFILE when set (as after the
 * fn-context action), else ~/.oci/config and its DEFAULT profile, where `fngate fn-context` writes.
 */
export function cliOciProfile(env: NodeJS.ProcessEnv, homeDir: string): OciProfile | undefined {
  const profile = env.OCI_CLI_PROFILE?.trim() || "DEFAULT";
  const configured = env.OCI_CLI_CONFIG_FILE?.trim();
  if (configured) return existsSync(configured) ? { configFile: configured, profile } : undefined;
  const configFile = join(homeDir, ".oci", "config");
  return existsSync(configFile) ? { configFile, profile } : undefined;
}
