import { readGcpIdTokenInputs } from "../../inputs/gcp-id-token.ts";
import { gcpAccessTokenOutputs, gcpIdTokenOutputs } from "../../steps/outputs/gcp-id-token.ts";
import { googleTokenSource } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";
import { writeTableSummary } from "../settings-summary.ts";

await runMain(async ({ read, tools, ctx, setOutputs }) => {
  const inputs = readGcpIdTokenInputs(read);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { checkTokenFormat, gcpAccessToken, gcpIdToken } = await import("../../steps/gcp-id-token.ts");
  if (checkTokenFormat(inputs.tokenFormat, inputs.audience) === "access-token") {
    const access = await gcpAccessToken(inputs, ctx(), googleTokenSource(tools));
    setOutputs({ "access-token": access.accessToken, ...gcpAccessTokenOutputs(access) });
    await writeTableSummary(
      "fngate: Google access token",
      ["Email", "Scope", "Expires on"],
      [[access.email, "cloud-platform", access.expiresOn?.toISOString() ?? "unknown"]],
    );
    return;
  }
  const result = await gcpIdToken(inputs, ctx(), googleTokenSource(tools));
  const { claims } = result;
  setOutputs({ "id-token": result.idToken, ...gcpIdTokenOutputs(result) });
  // Everything about the token except the token itself.
  await writeTableSummary(
    "fngate: Google ID token",
    ["Audience", "Issuer", "Email", "Expires on", "Credential"],
    [
      [
        claims.audience,
        claims.issuer,
        claims.email || "none",
        claims.expiresOn.toISOString(),
        result.credential === "key" ? "service account key" : "workload identity federation",
      ],
    ],
  );
});
