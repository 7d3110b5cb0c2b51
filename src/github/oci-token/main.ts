import * as core from "@actions/core";
import { getInputs } from "../../inputs/oci-token.ts";
import { ociToken } from "../../steps/oci-token.ts";
import { runMain } from "../run.ts";
import { writeSettingsSummary } from "../settings-summary.ts";
import { actionStepContext } from "../step-context.ts";

await runMain(async () => {
  const inputs = getInputs();
  const result = await ociToken(inputs, actionStepContext());
  core.setOutput("access-token", result.accessToken);
  core.setOutput("expires-in", String(result.expiresInSeconds));
  core.setOutput("expires-on", result.expiresOn.toISOString());
  core.setOutput("token-type", result.tokenType);
  core.setOutput("scope", result.scopes.join(" "));
  if (result.claims.issuer) core.setOutput("issuer", result.claims.issuer);
  if (result.claims.audience) core.setOutput("audience", result.claims.audience);
  if (process.env.GITHUB_STEP_SUMMARY) {
    // Everything about the token except the token itself.
    await writeSettingsSummary("fngate: OCI OAuth 2.0 token", [
      ["Credential", inputs.credentialOcid],
      ["Scopes", result.scopes.join(" ")],
      ["Issuer", result.claims.issuer ?? "(not a JWT)"],
      ["Expires on", result.expiresOn.toISOString()],
    ]);
  }
});
