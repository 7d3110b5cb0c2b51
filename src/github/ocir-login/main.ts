import * as core from "@actions/core";
import { ocirLogin } from "../../steps/ocir-login.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";
import { getInputs, getTools } from "./inputs.ts";
import { cleanupState } from "./state.ts";

await runMain(async () => {
  const inputs = getInputs();
  const result = await ocirLogin(inputs, actionStepContext(), await getTools());
  if (result.cleanup) cleanupState.save(result.cleanup);
  core.setOutput("registry", result.registry);
  core.setOutput("username", result.username);
  core.setOutput("namespace", result.namespace);
  core.setOutput("image-prefix", result.imagePrefix);
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addHeading("fngate: OCIR login", 3)
      .addTable([
        [
          { data: "Registry", header: true },
          { data: "Username", header: true },
          { data: "Image prefix", header: true },
          { data: "Via", header: true },
        ],
        [result.registry, result.username, result.imagePrefix, result.method],
      ])
      .write();
  }
});
