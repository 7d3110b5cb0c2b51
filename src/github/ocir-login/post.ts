import * as core from "@actions/core";
import { getTools } from "../../inputs/ocir-login.ts";
import { ocirLogout } from "../../steps/ocir-login.ts";
import { runPost } from "../run.ts";
import { actionStepContext } from "../step-context.ts";
import { cleanupState } from "./state.ts";

await runPost(async () => {
  const cleanup = cleanupState.load();
  if (!cleanup) {
    core.info("Nothing to clean up: no login was made, or logout is false.");
    return;
  }
  await ocirLogout(cleanup, actionStepContext(), await getTools());
});
