import * as core from "@actions/core";
import { readOcirLoginInputs } from "../../inputs/ocir-login.ts";
import { ocirLoginOutputs } from "../../steps/outputs/ocir-login.ts";
import { dockerTools } from "../../tools/step-tools.ts";
import { TOKEN_LOGIN_VARIABLE } from "../action-host.ts";
import { runMain } from "../run.ts";
import { writeTableSummary } from "../settings-summary.ts";
import { cleanupState } from "./state.ts";

await runMain(async ({ read, host, tools, ctx, setOutputs }) => {
  const inputs = readOcirLoginInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { ocirLogin } = await import("../../steps/ocir-login.ts");
  const result = await ocirLogin(inputs, ctx(), await dockerTools(tools), {
    // Saved before docker login runs: a step cancelled mid-login is still logged out by its post step.
    onCleanup: (cleanup) => (cleanup ? cleanupState.save(cleanup) : cleanupState.clear()),
  });
  setOutputs(ocirLoginOutputs(result));
  core.exportVariable(TOKEN_LOGIN_VARIABLE, result.tokenLogin ? JSON.stringify(result.tokenLogin) : "");
  await writeTableSummary(
    "fngate: OCIR login",
    ["Registry", "Username", "Image prefix", "Credential", "Via"],
    [
      [
        result.registry,
        result.username,
        result.imagePrefix,
        result.tokenLogin ? `registry token, expires ${result.tokenLogin.expiresAt}` : "auth token",
        result.method,
      ],
    ],
  );
});
