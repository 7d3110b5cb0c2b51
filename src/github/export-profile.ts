import * as core from "@actions/core";
import type { FnContextResult } from "../steps/fn-context.ts";

/**
 * Hands fn-context's profile to the job's later steps (fn-deploy, gateway-deploy, the OCI CLI) as the
 * OCI CLI's own variables, the way the standalone action and the pipeline's stage both do.
 */
export function exportFnContext(result: FnContextResult): void {
  core.exportVariable("OCI_CLI_CONFIG_FILE", result.configFile);
  core.exportVariable("OCI_CLI_PROFILE", result.profile);
  // The OCI CLI signs with a profile's session token only when told to (`--auth security_token`).
  if (result.auth === "oidc") core.exportVariable("OCI_CLI_AUTH", "security_token");
}
