import { readEntraTokenInputs } from "../../inputs/entra-token.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { entraTokenOutputs } from "../../steps/outputs/entra-token.ts";
import { entraTools } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";
import { writeRowSummary } from "../settings-summary.ts";

const CREDENTIAL_NAMES = {
  secret: "client secret",
  certificate: "client certificate",
  federated: "GitHub OIDC (federated)",
} as const;

await runMain(async ({ read, tools, ctx, setOutputs }) => {
  const inputs = readEveryInput(read, (all) => readEntraTokenInputs(all));
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { entraToken } = await import("../../steps/entra-token.ts");
  const result = await entraToken(inputs, ctx(), entraTools(tools));
  const { claims } = result;
  setOutputs({ "access-token": result.accessToken, ...entraTokenOutputs(result) });
  // Everything about the token except the token itself.
  await writeRowSummary("fngate: Entra access token", {
    Issuer: claims.issuer,
    Audience: claims.audience,
    Version: claims.version,
    Roles: claims.roles.join(", ") || "none",
    "Expires on": result.expiresOn.toISOString(),
    Credential: CREDENTIAL_NAMES[result.credential],
  });
});
