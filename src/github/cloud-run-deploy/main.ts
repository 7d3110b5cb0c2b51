import * as core from "@actions/core";
import { readCloudRunDeployInputs } from "../../inputs/cloud-run-deploy.ts";
import { cloudRunDeploy } from "../../steps/cloud-run-deploy.ts";
import { cloudRunDeployOutputs } from "../../steps/outputs/cloud-run-deploy.ts";
import { cloudRunTools } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";
import { loginState } from "./state.ts";

await runMain(async ({ read, host, tools, env, ctx, setOutputs }) => {
  const inputs = readCloudRunDeployInputs(read, host);
  const result = await cloudRunDeploy(inputs, ctx(), {
    ...(await cloudRunTools(tools)),
    recordLogin: loginState.save,
  });
  setOutputs(cloudRunDeployOutputs(result));
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addHeading("fngate: Cloud Run service", 3)
      .addTable([
        ["Service", "URL", "Revision", "Ingress", "Public", "Changed"].map((data) => ({
          data,
          header: true,
        })),
        [
          inputs.service,
          result.url,
          result.revision,
          inputs.ingress,
          inputs.allowUnauthenticated ? "yes (allUsers)" : "no",
          result.changed
            ? result.serviceChanges.concat(result.invokersAdded.map((m) => `+${m}`)).join(", ") || "IAM"
            : "no",
        ],
      ])
      .write();
  }
});
