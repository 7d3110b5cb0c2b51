import { readOciTokenInputs } from "../../inputs/oci-token.ts";
import { ociTokenOutputs } from "../../steps/outputs/oci-token.ts";
import { runMain } from "../run.ts";
import { writeSettingsSummary } from "../settings-summary.ts";

await runMain(async ({ read, env, ctx, setOutputs }) => {
  const inputs = readOciTokenInputs(read);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { ociToken } = await import("../../steps/oci-token.ts");
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
