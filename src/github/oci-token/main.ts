import { readOciTokenInputs } from "../../inputs/oci-token.ts";
import { ociToken } from "../../steps/oci-token.ts";
import { ociTokenOutputs } from "../../steps/outputs/oci-token.ts";
import { runMain } from "../run.ts";
import { writeSettingsSummary } from "../settings-summary.ts";

await runMain(async ({ read, env, ctx, setOutputs }) => {
  const inputs = readOciTokenInputs(read);
  const result = await ociToken(inputs, ctx());
  setOutputs({ "access-token": result.accessToken, ...ociTokenOutputs(result) });
  if (env.GITHUB_STEP_SUMMARY) {
    // Everything about the token except the token itself.
    await writeSettingsSummary("fngate: OCI OAuth 2.0 token", [
      ["Credential", inputs.credentialOcid],
      ["Scopes", result.scopes.join(" ")],
      ["Issuer", result.claims.issuer ?? "(not a JWT)"],
      ["Expires on", result.expiresOn.toISOString()],
    ]);
  }
});
