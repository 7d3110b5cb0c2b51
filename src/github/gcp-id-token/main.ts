import * as core from "@actions/core";
import { getInputs, githubTokenSource } from "../../inputs/gcp-id-token.ts";
import { checkTokenFormat, gcpAccessToken, gcpIdToken } from "../../steps/gcp-id-token.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";

await runMain(async () => {
  const inputs = getInputs();
  if (checkTokenFormat(inputs.tokenFormat, inputs.audience) === "access-token") {
    const access = await gcpAccessToken(inputs, actionStepContext(), githubTokenSource());
    core.setOutput("access-token", access.accessToken);
    core.setOutput("email", access.email);
    if (access.expiresOn) core.setOutput("expires-on", access.expiresOn.toISOString());
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addHeading("fngate: Google access token", 3)
        .addTable([
          ["Email", "Scope", "Expires on"].map((data) => ({ data, header: true })),
          [access.email, "cloud-platform", access.expiresOn?.toISOString() ?? "unknown"],
        ])
        .write();
    }
    return;
  }
  const result = await gcpIdToken(inputs, actionStepContext(), githubTokenSource());
  const { claims } = result;
  core.setOutput("id-token", result.idToken);
  core.setOutput("issuer", claims.issuer);
  core.setOutput("audience", claims.audience);
  core.setOutput("email", claims.email);
  core.setOutput("subject", claims.subject);
  core.setOutput("expires-on", claims.expiresOn.toISOString());
  if (process.env.GITHUB_STEP_SUMMARY) {
    // Everything about the token except the token itself.
    await core.summary
      .addHeading("fngate: Google ID token", 3)
      .addTable([
        ["Audience", "Issuer", "Email", "Expires on", "Credential"].map((data) => ({ data, header: true })),
        [
          claims.audience,
          claims.issuer,
          claims.email || "none",
          claims.expiresOn.toISOString(),
          result.credential === "key" ? "service account key" : "workload identity federation",
        ],
      ])
      .write();
  }
});
