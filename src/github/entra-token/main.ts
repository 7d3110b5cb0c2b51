import * as core from "@actions/core";
import { readEntraTokenInputs } from "../../inputs/entra-token.ts";
import { entraToken } from "../../steps/entra-token.ts";
import { entraTokenOutputs } from "../../steps/outputs/entra-token.ts";
import { entraTools } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";

const CREDENTIAL_NAMES = {
  secret: "client secret",
  certificate: "client certificate",
  federated: "GitHub OIDC (federated)",
} as const;

await runMain(async ({ read, tools, env, ctx, setOutputs }) => {
  const inputs = readEntraTokenInputs(read);
  const result = await entraToken(inputs, ctx(), entraTools(tools));
  const { claims } = result;
  setOutputs({ "access-token": result.accessToken, ...entraTokenOutputs(result) });
  if (env.GITHUB_STEP_SUMMARY) {
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
