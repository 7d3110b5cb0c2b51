import * as core from "@actions/core";
import { readOcirLoginInputs } from "../../inputs/ocir-login.ts";
import { readEveryInput } from "../../inputs/reader.ts";
import { ocirLoginOutputs } from "../../steps/outputs/ocir-login.ts";
import { dockerTools } from "../../tools/step-tools.ts";
import { TOKEN_LOGIN_VARIABLE } from "../action-host.ts";
import { runMain } from "../run.ts";
import { writeRowSummary } from "../settings-summary.ts";
import { cleanupState } from "./state.ts";

await runMain(async ({ read, host, tools, ctx, setOutputs }) => {
  const inputs = readEveryInput(read, (all) => readOcirLoginInputs(all, host));
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { ocirLogin } = await import("../../steps/ocir-login.ts");
  const result = await ocirLogin(inputs, ctx(), await dockerTools(tools), {
    // Saved before docker login runs: a step cancelled mid-login is still logged out by its post step.
    onCleanup: (cleanup) => (cleanup ? cleanupState.save(cleanup) : cleanupState.clear()),
  });
  setOutputs(ocirLoginOutputs(result));
  core.exportVariable(TOKEN_LOGIN_VARIABLE, result.tokenLogin ? JSON.stringify(result.tokenLogin) : "");
  await writeRowSummary("fngate: OCIR login", {
    Registry: result.registry,
    Username: result.username,
    "Image prefix": result.imagePrefix,
    Credential: result.tokenLogin ? `registry token, expires ${result.tokenLogin.expiresAt}` : "auth token",
    Via: result.method,
  });
});
