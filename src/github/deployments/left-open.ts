import * as core from "@actions/core";
import { loadOrWarn, postState } from "../state.ts";
import { explainGitHubFailure } from "./api-failure.ts";
import type { OpenDeployment } from "./record.ts";

/** The deployment main marked in_progress and has not ended yet (no secret: ids and URLs only). */
export const openDeployment = postState<OpenDeployment>("github-deployment");

/**
 * Why the post step ends a deployment main left in_progress. GitHub's deployment status states are
 * error, failure, inactive, in_progress, queued, pending and success, and "when you set a transient
 * deployment to inactive, the deployment will be shown as destroyed in GitHub"
 * (https://docs.github.com/en/rest/deployments/statuses#create-a-deployment-status): a deploy cut off
 * half-way was neither verified nor destroyed, so it is `error`, never `inactive`. `failure` stays the
 * verdict of a deploy that ran to its end and failed.
 */
export const STOPPED_DESCRIPTION =
  "fngate: the deploy step was stopped before it finished (cancelled, timed out or killed); nothing verified it";

/**
 * Ends a deployment left in_progress by a main step that was stopped (a cancelled job, SIGTERM or
 * SIGKILL): marked `error`, with the reason and the run's log. A refusal is a warning, as in main.
 */
export async function closeLeftDeployment(open: OpenDeployment, token: string): Promise<void> {
  const { getOctokit } = await import("@actions/github");
  // The global fetch, as in main (src/github/deployments/record.ts): undici is not bundled.
  const octokit = getOctokit(token, { request: { fetch: globalThis.fetch } });
  try {
    await octokit.rest.repos.createDeploymentStatus({
      owner: open.owner,
      repo: open.repo,
      deployment_id: open.id,
      state: "error",
      log_url: open.logUrl,
      description: STOPPED_DESCRIPTION,
    });
    core.info(
      `GitHub deployment ${open.id} to ${open.environment}: error (the deploy step was stopped before it finished).`,
    );
  } catch (error) {
    core.warning(explainGitHubFailure(error, "deployment", `mark deployment ${open.id} error`));
  }
}

/**
 * The post step's part: a deployment main left open is ended as `error`; nothing to do otherwise.
 * The token is read again from the step's inputs (masked first): state never holds a secret.
 */
export async function closeDeploymentLeftOpen(): Promise<void> {
  // Never in the way of the cleanups after it: an unreadable record is one warning.
  const open = loadOrWarn(openDeployment, "the GitHub deployment record", (message) => core.warning(message));
  if (!open) return;
  const token = core.getInput("github-token");
  if (!token) return;
  core.setSecret(token);
  try {
    await closeLeftDeployment(open, token);
  } catch (error) {
    core.warning(explainGitHubFailure(error, "deployment", `mark deployment ${open.id} error`));
  }
}
