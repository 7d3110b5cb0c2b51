import { readCloudRunDeployInputs } from "../../inputs/cloud-run-deploy.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { cloudRunDeployOutputs } from "../../steps/outputs/cloud-run-deploy.ts";
import { cloudRunTools } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";
import { writeRowSummary } from "../settings-summary.ts";
import { loginState } from "./state.ts";

await runMain(async ({ read, host, tools, ctx, setOutputs }) => {
  const inputs = readEveryInput(read, (all) => readCloudRunDeployInputs(all, host));
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { cloudRunDeploy } = await import("../../steps/cloud-run-deploy.ts");
  const result = await cloudRunDeploy(inputs, ctx(), {
    ...(await cloudRunTools(tools)),
    recordLogin: loginState.save,
  });
  setOutputs(cloudRunDeployOutputs(result));
  const changes = result.serviceChanges.concat(result.invokersAdded.map((member) => `+${member}`));
  await writeRowSummary("fngate: Cloud Run service", {
    Service: inputs.service,
    URL: result.url,
    Revision: result.revision,
    Traffic: result.rollout?.traffic ?? "",
    Ingress: inputs.ingress,
    Public: inputs.allowUnauthenticated ? "yes (allUsers)" : "no",
    Changed: result.changed ? changes.join(", ") || "IAM" : "no",
  });
});
