import * as core from "@actions/core";
import { dockerLogout, type RegistryCleanup } from "../docker/registry-login.ts";
import { dockerTools } from "../tools/step-tools.ts";
import type { PostRun } from "./run.ts";

/**
 * The post step of an action that logs docker in for its own push and out again right after: this
 * only finishes the job when the main step was stopped between login and logout (a failed stage
 * beside it, a deadline, a cancelled job). `action` names whose login it was.
 */
export function logOutLeftLogin(action: string, saved: () => RegistryCleanup | undefined) {
  return async ({ tools }: PostRun): Promise<void> => {
    const cleanup = saved();
    if (!cleanup) {
      core.info("Nothing to clean up: no registry login was made.");
      return;
    }
    const { docker } = await dockerTools(tools);
    const undone = await dockerLogout(docker, cleanup, (message) => core.warning(message));
    core.info(
      undone
        ? `Logged out of ${cleanup.registry}; docker's config.json is as it was before ${action}.`
        : `Already logged out of ${cleanup.registry} by the main step.`,
    );
  };
}
