import { readEntraTokenInputs } from "../../inputs/entra-token.ts";
import { entraTokenOutputs } from "../../steps/outputs/entra-token.ts";
import { entraTools } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";
import { writeTableSummary } from "../settings-summary.ts";

const CREDENTIAL_NAMES = {
  secret: "client secret",
  certificate: "client certificate",
  federated: "GitHub OIDC (federated)",
} as const;

await runMain(async ({ read, tools, ctx, setOutputs }) => {
  const inputs = readEntraTokenInputs(read);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { entraToken } = await import("../../steps/entra-token.ts");
  const result = await entraToken(inputs, ctx(), entraTools(tools));
  const { claims } = result;
  setOutputs({ "access-token": result.accessToken, ...entraTokenOutputs(result) });
  // Everything about the token except the token itself.
  await writeTableSummary(
    "fngate: Entra access token",
    ["Issuer", "Audience", "Version", "Roles", "Expires on", "Credential"],
    [
      [
        claims.issuer,
        claims.audience,
        claims.version,
        claims.roles.join(", ") || "none",
        result.expiresOn.toISOString(),
        CREDENTIAL_NAMES[result.credential],
      ],
    ],
  );
});
