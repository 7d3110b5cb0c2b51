import { readGatewayDeployInputs } from "../../inputs/gateway-deploy.ts";
import type { GatewayDeployResult } from "../../steps/gateway-deploy.ts";
import { gatewayDeployOutputs } from "../../steps/outputs/gateway-deploy.ts";
import { runMain } from "../run.ts";
import { writeSettingsSummary } from "../settings-summary.ts";

await runMain(async ({ read, host, ctx, setOutputs }) => {
  const inputs = readGatewayDeployInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { deployGateway } = await import("../../steps/gateway-deploy.ts");
  const result = await deployGateway(inputs, ctx());
  setOutputs(gatewayDeployOutputs(result));
  await writeSummary(result);
});

async function writeSummary(result: GatewayDeployResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const outcome = result.action === "unchanged" ? "already up to date (no change made)" : result.action;
  const routes = [
    ...result.added.map((route) => `added ${route}`),
    ...(result.changed ? result.replaced.map((route) => `replaced ${route}`) : []),
    ...result.removed.map((route) => `removed ${route}`),
  ];
  const rows: [string, string][] = [
    ["Deployment", `${result.deploymentName} (${result.deploymentId})`],
    ["Result", outcome],
    ["State", result.lifecycleState],
    ["Path prefix", result.pathPrefix],
    ["URL", result.url],
    ["Routes", routes.join("; ") || "(unchanged)"],
    ["Authentication", result.authType],
    ["JWKS", result.jwksUri || "(none)"],
    ["Issuers", result.issuers.join(", ") || "(not checked)"],
    ["Audiences", result.audiences.join(", ") || "(not checked)"],
  ];
  await writeSettingsSummary("fngate: API Gateway deployment", rows);
}
