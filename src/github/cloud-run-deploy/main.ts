import { readCloudRunDeployInputs } from "../../inputs/cloud-run-deploy.ts";
import { cloudRunDeployOutputs } from "../../steps/outputs/cloud-run-deploy.ts";
import { cloudRunTools } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";
import { writeTableSummary } from "../settings-summary.ts";
import { loginState } from "./state.ts";

await runMain(async ({ read, host, tools, ctx, setOutputs }) => {
  const inputs = readCloudRunDeployInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { cloudRunDeploy } = await import("../../steps/cloud-run-deploy.ts");
  const result = await cloudRunDeploy(inputs, ctx(), {
    ...(await cloudRunTools(tools)),
    recordLogin: loginState.save,
  });
  setOutputs(cloudRunDeployOutputs(result));
  const changes = result.serviceChanges.concat(result.invokersAdded.map((member) => `+${member}`));
  await writeTableSummary(
    "fngate: Cloud Run service",
    ["Service", "URL", "Revision", "Ingress", "Public", "Changed"],
    [
      [
        inputs.service,
        result.url,
        result.revision,
        inputs.ingress,
        inputs.allowUnauthenticated ? "yes (allUsers)" : "no",
        result.changed ? changes.join(", ") || "IAM" : "no",
      ],
    ],
  );
});
