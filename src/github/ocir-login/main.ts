import * as core from "@actions/core";
import { readOcirLoginInputs } from "../../inputs/ocir-login.ts";
import { ocirLogin } from "../../steps/ocir-login.ts";
import { ocirLoginOutputs } from "../../steps/outputs/ocir-login.ts";
import { dockerTools } from "../../tools/step-tools.ts";
import { TOKEN_LOGIN_VARIABLE } from "../action-host.ts";
import { runMain } from "../run.ts";
import { writeTableSummary } from "../settings-summary.ts";
import { cleanupState } from "./state.ts";

await runMain(async ({ read, host, tools, ctx, setOutputs }) => {
  const inputs = readOcirLoginInputs(read, host);
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
