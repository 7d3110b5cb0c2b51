import * as core from "@actions/core";
import { readGcpIdTokenInputs } from "../../inputs/gcp-id-token.ts";
import { checkTokenFormat, gcpAccessToken, gcpIdToken } from "../../steps/gcp-id-token.ts";
import { gcpAccessTokenOutputs, gcpIdTokenOutputs } from "../../steps/outputs/gcp-id-token.ts";
import { googleTokenSource } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";

await runMain(async ({ read, tools, env, ctx, setOutputs }) => {
  const inputs = readGcpIdTokenInputs(read);
  if (checkTokenFormat(inputs.tokenFormat, inputs.audience) === "access-token") {
    const access = await gcpAccessToken(inputs, ctx(), googleTokenSource(tools));
    setOutputs({ "access-token": access.accessToken, ...gcpAccessTokenOutputs(access) });
    if (env.GITHUB_STEP_SUMMARY) {
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
  const result = await gcpIdToken(inputs, ctx(), googleTokenSource(tools));
  const { claims } = result;
  setOutputs({ "id-token": result.idToken, ...gcpIdTokenOutputs(result) });
  if (env.GITHUB_STEP_SUMMARY) {
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
