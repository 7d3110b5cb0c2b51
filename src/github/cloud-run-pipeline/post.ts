import * as core from "@actions/core";
import { dockerLogout } from "../../docker/registry-login.ts";
import { dockerTools } from "../../tools/step-tools.ts";
import { runPost } from "../run.ts";
import { loginState } from "./state.ts";

// The deploy stage logs out as soon as its push is done; this only finishes the job when the pipeline
// was stopped between login and logout (a failed stage beside it, a deadline, a cancelled job).
await runPost(async ({ tools }) => {
  const cleanup = loginState.load();
  if (!cleanup) {
    core.info("Nothing to clean up: no registry login was made.");
    return;
  }
  const { docker } = await dockerTools(tools);
  const undone = await dockerLogout(docker, cleanup, (message) => core.warning(message));
  core.info(
    undone
      ? `Logged out of ${cleanup.registry}; docker's config.json is as it was before cloud-run-pipeline.`
      : `Already logged out of ${cleanup.registry} by the main step.`,
  );
});
