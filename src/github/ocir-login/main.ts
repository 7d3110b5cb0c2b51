import * as core from "@actions/core";
import { getInputs, getTools } from "../../inputs/ocir-login.ts";
import { ocirLogin } from "../../steps/ocir-login.ts";
import { runMain } from "../run.ts";
import { actionStepContext } from "../step-context.ts";
import { cleanupState } from "./state.ts";
import { TOKEN_LOGIN_VARIABLE } from "./token-login-env.ts";

await runMain(async () => {
  const inputs = getInputs();
  const result = await ocirLogin(inputs, actionStepContext(), await getTools(), {
    // Saved before docker login runs: a step cancelled mid-login is still logged out by its post step.
    onCleanup: (cleanup) => (cleanup ? cleanupState.save(cleanup) : cleanupState.clear()),
  });
  core.setOutput("registry", result.registry);
  core.setOutput("username", result.username);
  core.setOutput("namespace", result.namespace);
  core.setOutput("image-prefix", result.imagePrefix);
  core.setOutput("token-expires-at", result.tokenLogin?.expiresAt ?? "");
  core.exportVariable(TOKEN_LOGIN_VARIABLE, result.tokenLogin ? JSON.stringify(result.tokenLogin) : "");
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addHeading("fngate: OCIR login", 3)
      .addTable([
        [
          { data: "Registry", header: true },
          { data: "Username", header: true },
          { data: "Image prefix", header: true },
          { data: "Credential", header: true },
          { data: "Via", header: true },
        ],
        [
          result.registry,
          result.username,
          result.imagePrefix,
          result.tokenLogin ? `registry token, expires ${result.tokenLogin.expiresAt}` : "auth token",
          result.method,
        ],
      ])
      .write();
  }
});
