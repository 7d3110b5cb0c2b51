import * as core from "@actions/core";
import { getInputs, getTools } from "../../inputs/fn-deploy.ts";
import { deployFunction, type FnDeployResult } from "../../steps/fn-deploy.ts";
import { runMain } from "../run.ts";
import { withGithubRunLabel } from "../run-label.ts";
import { writeSettingsSummary } from "../settings-summary.ts";
import { actionStepContext } from "../step-context.ts";

await runMain(async () => {
  const inputs = withGithubRunLabel(getInputs());
  const result = await deployFunction(inputs, actionStepContext(), await getTools());
  core.setOutput("function-id", result.functionId);
  core.setOutput("image", result.image);
  core.setOutput("digest", result.digest);
  core.setOutput("invoke-endpoint", result.invokeEndpoint);
  core.setOutput("changed", String(result.action !== "unchanged"));
  if (result.invokeResponse !== undefined) core.setOutput("invoke-response", result.invokeResponse);
  await writeSummary(result);
});

/** Identifiers and settings only: config values are secrets, so only their keys are shown. */
async function writeSummary(result: FnDeployResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const outcome =
    result.action === "unchanged"
      ? "already up to date (no change made)"
      : result.action === "created"
        ? "created"
        : `updated: ${result.changedSettings.join(", ")}`;
  const rows: [string, string][] = [
    ["Function", `${result.functionName} (${result.functionId})`],
    ["Application", `${result.applicationName} (${result.applicationId}), shape ${result.shape}`],
    ["Result", outcome],
    ["State", result.lifecycleState],
    ["Image", result.image],
    ["Digest", result.digest],
    ...(result.repository
      ? [
          [
            "OCIR repository",
            `${result.repository.name}${result.repository.created ? " (created, private)" : ""}`,
          ] as [string, string],
        ]
      : []),
    ["Memory", `${result.memoryInMBs} MB`],
    ["Timeout", `${result.timeoutInSeconds} s`],
    ["Config keys", result.configKeys.join(", ") || "(none)"],
    ["Invoke endpoint", result.invokeEndpoint],
    [
      "Test invoke",
      result.invokeResponse === undefined ? "not run" : "answered (see the invoke-response output)",
    ],
  ];
  await writeSettingsSummary("fngate: function deployed", rows);
}
