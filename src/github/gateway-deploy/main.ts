import * as core from "@actions/core";
import { getInputs } from "../../inputs/gateway-deploy.ts";
import { deployGateway, type GatewayDeployResult } from "../../steps/gateway-deploy.ts";
import { runMain } from "../run.ts";
import { withGithubRunLabel } from "../run-label.ts";
import { writeSettingsSummary } from "../settings-summary.ts";
import { actionStepContext } from "../step-context.ts";

await runMain(async () => {
  const result = await deployGateway(withGithubRunLabel(getInputs()), actionStepContext());
  core.setOutput("deployment-id", result.deploymentId);
  core.setOutput("endpoint", result.endpoint);
  core.setOutput("url", result.url);
  core.setOutput("changed", String(result.changed));
  // One per line: entra-token's expected-issuer/expected-audience read lists in that form.
  core.setOutput("issuers", result.issuers.join("\n"));
  core.setOutput("audiences", result.audiences.join("\n"));
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
