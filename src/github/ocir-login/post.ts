import * as core from "@actions/core";
import { ocirLogout } from "../../steps/ocir-login.ts";
import { dockerTools } from "../../tools/step-tools.ts";
import { runPost } from "../run.ts";
import { cleanupState } from "./state.ts";

await runPost(async ({ tools, ctx }) => {
  const cleanup = cleanupState.load();
  if (!cleanup) {
    core.info("Nothing to clean up: no login was made, or logout is false.");
    return;
  }
  await ocirLogout(cleanup, ctx(), await dockerTools(tools));
});
