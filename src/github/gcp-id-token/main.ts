import { checkTokenFormat } from "../../gcp/token-format.ts";
import { readGcpIdTokenInputs } from "../../inputs/gcp-id-token.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { gcpAccessTokenOutputs, gcpIdTokenOutputs } from "../../steps/outputs/gcp-id-token.ts";
import { googleTokenSource } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";
import { writeRowSummary } from "../settings-summary.ts";

await runMain(async ({ read, tools, ctx, setOutputs }) => {
  const inputs = readEveryInput(read, (all) => readGcpIdTokenInputs(all));
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { gcpAccessToken, gcpIdToken } = await import("../../steps/gcp-id-token.ts");
  if (checkTokenFormat(inputs.tokenFormat, inputs.audience) === "access-token") {
    const access = await gcpAccessToken(inputs, ctx(), googleTokenSource(tools));
    setOutputs({ "access-token": access.accessToken, ...gcpAccessTokenOutputs(access) });
    await writeRowSummary("fngate: Google access token", {
      Email: access.email,
      Scope: "cloud-platform",
      "Expires on": access.expiresOn?.toISOString() ?? "unknown",
    });
    return;
  }
  const result = await gcpIdToken(inputs, ctx(), googleTokenSource(tools));
  const { claims } = result;
  setOutputs({ "id-token": result.idToken, ...gcpIdTokenOutputs(result) });
  // Everything about the token except the token itself.
  await writeRowSummary("fngate: Google ID token", {
    Audience: claims.audience,
    Issuer: claims.issuer,
    Email: claims.email || "none",
    "Expires on": claims.expiresOn.toISOString(),
    Credential: result.credential === "key" ? "service account key" : "workload identity federation",
  });
});
