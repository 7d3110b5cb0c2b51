import type { FnContextInputs, FnContextResult } from "../../steps/fn-context.ts";
import { writeSettingsSummary } from "../settings-summary.ts";

/** A short table of what was configured; identifiers only, never key or token material. */
export async function writeSummary(result: FnContextResult, inputs: FnContextInputs): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const credential: [string, string][] =
    inputs.auth === "oidc"
      ? [
          ["Credentials", "session (GitHub OIDC exchanged at the identity domain; no stored key)"],
          ["Identity domain", inputs.identityDomainUrl],
          ["Session key fingerprint", result.fingerprint],
          ["Session valid until", result.sessionExpiresAt?.toISOString() ?? "(not stated)"],
        ]
      : [
          ["User", inputs.userOcid],
          ["API key fingerprint", result.fingerprint],
        ];
  const rows: [string, string][] = [
    ["Region", result.region],
    ["OCI profile", `${result.profile} in ${result.configFile}`],
    ...credential,
    ["Tenancy", inputs.tenancyOcid],
    ["Compartment", result.compartmentOcid],
    ["Fn context", result.contextName],
    ["Functions API", result.apiUrl],
    ["Registry", result.registry || "(not set)"],
    ["Verified", result.namespace ? `yes, tenancy namespace ${result.namespace}` : "no (verify: false)"],
  ];
  await writeSettingsSummary("fngate: OCI and Fn CLI context", rows);
}
