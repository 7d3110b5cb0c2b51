import type { FnContextInputs, FnContextResult } from "../../steps/fn-context.ts";
import { writeSettingsSummary } from "../settings-summary.ts";

/** A short table of what was configured; identifiers only, never key material. */
export async function writeSummary(result: FnContextResult, inputs: FnContextInputs): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const rows: [string, string][] = [
    ["Region", result.region],
    ["OCI profile", `${result.profile} in ${result.configFile}`],
    ["User", inputs.userOcid],
    ["Tenancy", inputs.tenancyOcid],
    ["Compartment", result.compartmentOcid],
    ["API key fingerprint", result.fingerprint],
    ["Fn context", result.contextName],
    ["Functions API", result.apiUrl],
    ["Registry", result.registry || "(not set)"],
    ["Verified", result.namespace ? `yes, tenancy namespace ${result.namespace}` : "no (verify: false)"],
  ];
  await writeSettingsSummary("fngate: OCI and Fn CLI context", rows);
}
