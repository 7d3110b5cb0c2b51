import * as core from "@actions/core";
import { getInputs, getTools } from "../../inputs/cloud-run-deploy.ts";
import { cloudRunDeploy } from "../../steps/cloud-run-deploy.ts";
import { runMain } from "../run.ts";
import { withGithubRunLabel } from "../run-label.ts";
import { actionStepContext } from "../step-context.ts";
import { loginState } from "./state.ts";

await runMain(async () => {
  const inputs = withGithubRunLabel(getInputs());
  const tools = { ...(await getTools()), recordLogin: loginState.save };
  const result = await cloudRunDeploy(inputs, actionStepContext(), tools);
  core.setOutput("url", result.url);
  core.setOutput("revision", result.revision);
  core.setOutput("changed", String(result.changed));
  if (process.env.GITHUB_STEP_SUMMARY) {
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
