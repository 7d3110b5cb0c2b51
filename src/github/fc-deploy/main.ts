import { readFcDeployInputs } from "../../inputs/fc-deploy.ts";
import type { FcDeployInputs, FcDeployResult } from "../../steps/fc-deploy.ts";
import { fcDeployOutputs } from "../../steps/outputs/fc-deploy.ts";
import { runMain } from "../run.ts";
import { writeSettingsSummary } from "../settings-summary.ts";

await runMain(async ({ read, host, ctx, setOutputs }) => {
  const inputs = readFcDeployInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { fcDeploy } = await import("../../steps/fc-deploy.ts");
  const result = await fcDeploy(inputs, ctx());
  setOutputs(fcDeployOutputs(result));
  await writeSummary(inputs, result);
});

/** Names and settings only: environment values may be secrets, so only their keys are shown. */
async function writeSummary(inputs: FcDeployInputs, result: FcDeployResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const outcome = !result.changed
    ? "already up to date (no change made)"
    : result.changes[0] === "created"
      ? "created"
      : `updated: ${result.changes.join(", ")}`;
  const rows: [string, string][] = [
    ["Function", `${inputs.functionName} (${result.functionArn})`],
    ["Result", outcome],
    [
      "Source",
      inputs.source.kind === "image"
        ? inputs.source.image
        : `${inputs.source.runtime} ${inputs.source.handler}`,
    ],
    ["Role", inputs.role?.arn ?? "(none: the function gets no credentials)"],
    ["Memory", `${inputs.memory} MB`],
    ["Timeout", `${inputs.timeout} s`],
    ["Env keys", Object.keys(inputs.env).join(", ") || "(none)"],
    ["Signed in with", result.credentialSource === "oidc" ? "GitHub OIDC (STS, no stored key)" : "AccessKey"],
    [
      "Test invoke",
      result.invokeResult === undefined ? "not run" : "answered (see the invoke-result output)",
    ],
  ];
  await writeSettingsSummary("fngate: Function Compute function deployed", rows);
}
