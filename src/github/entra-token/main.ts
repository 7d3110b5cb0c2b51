import * as core from "@actions/core";
import { getInputs, getTools } from "../../inputs/entra-token.ts";
import { entraToken } from "../../steps/entra-token.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";

const CREDENTIAL_NAMES = {
  secret: "client secret",
  certificate: "client certificate",
  federated: "GitHub OIDC (federated)",
} as const;

await runMain(async () => {
  const inputs = getInputs();
  const result = await entraToken(inputs, actionStepContext(), getTools());
  const { claims } = result;
  core.setOutput("access-token", result.accessToken);
  core.setOutput("expires-on", result.expiresOn.toISOString());
  core.setOutput("issuer", claims.issuer);
  core.setOutput("audience", claims.audience);
  core.setOutput("version", claims.version);
  core.setOutput("roles", claims.roles.join(","));
  core.setOutput("tenant-id", claims.tenantId);
  if (process.env.GITHUB_STEP_SUMMARY) {
    // Everything about the token except the token itself.
    await core.summary
      .addHeading("fngate: Entra access token", 3)
      .addTable([
        ["Issuer", "Audience", "Version", "Roles", "Expires on", "Credential"].map((data) => ({
          data,
          header: true,
        })),
        [
          claims.issuer,
          claims.audience,
          claims.version,
          claims.roles.join(", ") || "none",
          result.expiresOn.toISOString(),
          CREDENTIAL_NAMES[result.credential],
        ],
      ])
      .write();
  }
});
