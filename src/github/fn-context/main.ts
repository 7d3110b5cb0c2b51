import * as core from "@actions/core";
import { getInputs } from "../../inputs/fn-context.ts";
import { configureFnContext } from "../../steps/fn-context.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";
import { restorePlanState } from "./state.ts";
import { writeSummary } from "./summary.ts";

await runMain(async () => {
  const inputs = getInputs();
  const result = await configureFnContext(inputs, actionStepContext(), {
    onRestorePlan: (plan) => restorePlanState.save(plan),
  });

  core.setOutput("config-file", result.configFile);
  core.setOutput("profile", result.profile);
  core.setOutput("key-file", result.keyFile);
  core.setOutput("context-name", result.contextName);
  core.setOutput("api-url", result.apiUrl);
  core.setOutput("region", result.region);
  core.setOutput("fingerprint", result.fingerprint);
  core.setOutput("registry", result.registry);
  core.setOutput("changed", String(result.changed.length > 0));
  if (result.namespace) core.setOutput("namespace", result.namespace);
  if (result.securityTokenFile) core.setOutput("security-token-file", result.securityTokenFile);
  if (result.sessionExpiresAt) core.setOutput("session-expires-at", result.sessionExpiresAt.toISOString());
  core.exportVariable("OCI_CLI_CONFIG_FILE", result.configFile);
  core.exportVariable("OCI_CLI_PROFILE", result.profile);
  // The OCI CLI signs with a profile's session token only when told to (`--auth security_token`).
  if (result.auth === "oidc") core.exportVariable("OCI_CLI_AUTH", "security_token");
  await writeSummary(result, inputs);
});
