import { readFnDeployInputs } from "../../inputs/fn-deploy.ts";
import type { FnDeployResult } from "../../steps/fn-deploy.ts";
import { fnDeployOutputs } from "../../steps/outputs/fn-deploy.ts";
import { fnDeployTools } from "../../tools/step-tools.ts";
import { exportedTokenLogin } from "../action-host.ts";
import { runMain } from "../run.ts";
import { writeSettingsSummary } from "../settings-summary.ts";

await runMain(async ({ read, host, tools, env, ctx, setOutputs }) => {
  const inputs = readFnDeployInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { deployFunction } = await import("../../steps/fn-deploy.ts");
  // A registry token login of an earlier ocir-login step is renewed around the push.
  const result = await deployFunction(inputs, ctx(), await fnDeployTools(tools, exportedTokenLogin(env)));
  setOutputs(fnDeployOutputs(result));
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
