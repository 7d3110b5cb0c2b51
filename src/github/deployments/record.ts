import type { Logger } from "../../step-context.ts";
import { explainGitHubFailure } from "./api-failure.ts";
import { commentBody } from "./comment-body.ts";
import { type DeployOutcome, finalStatus } from "./outcome.ts";
import { upsertComment } from "./pull-request-comment.ts";

/** The opt-in: with a token, the run is recorded as a GitHub deployment of this environment. */
export interface DeploymentRecordSettings {
  token: string;
  environment: string;
}

export interface DeploymentRecord {
  /** Ends the record: success with the verified URL or failure, and the pull request's comment. */
  finish(outcome: DeployOutcome): Promise<void>;
}

/** A deployment this run marked in_progress: what the post step needs to end it if main cannot. */
export interface OpenDeployment {
  id: number;
  owner: string;
  repo: string;
  environment: string;
  logUrl: string;
}

export interface DeploymentRecordHooks {
  /** The deployment is in_progress: saved for the post step, before the deploy starts. */
  onOpen?(open: OpenDeployment): void;
  /** Its final status is written (or GitHub refused it, which the post step would not change). */
  onClosed?(): void;
}

/**
 * Starts the run's GitHub deployment (https://docs.github.com/en/rest/deployments/deployments) and
 * marks it in_progress. The REST API is GITHUB_API_URL's (GitHub Enterprise Server included), reached
 * through @actions/github. A call GitHub refuses is a warning naming the permission to grant: the
 * record never fails a deploy, nor does a deploy wait on GitHub longer than a call.
 */
export async function startDeploymentRecord(
  settings: DeploymentRecordSettings,
  log: Logger,
  hooks: DeploymentRecordHooks = {},
): Promise<DeploymentRecord> {
  const { context, getOctokit } = await import("@actions/github");
  // The global fetch, which follows the runner's proxy (src/http/runner-proxy.ts); @actions/github's
  // default is undici's, which fngate does not bundle (scripts/shims/undici-not-bundled.cjs).
  const octokit = getOctokit(settings.token, { request: { fetch: globalThis.fetch } });
  const { owner, repo } = context.repo;
  const pullRequest = context.payload.pull_request;
  // On a pull request, context.sha is GitHub's merge commit; the deployment is of the branch's head.
  const sha = typeof pullRequest?.head?.sha === "string" ? pullRequest.head.sha : context.sha;
  const logUrl = `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}/attempts/${context.runAttempt}`;
  const { environment } = settings;

  let deploymentId: number | undefined;
  try {
    const created = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: sha,
      environment,
      // No merge of the default branch into the ref, and no wait on commit statuses: fngate deploys
      // exactly the commit it built, and its own smoke test is the check that counts.
      auto_merge: false,
      required_contexts: [],
      description: "fngate deploy",
      transient_environment: pullRequest !== undefined,
      production_environment: pullRequest === undefined,
    });
    if (!("id" in created.data))
      throw Object.assign(new Error(created.data.message ?? "no deployment"), { status: created.status });
    deploymentId = created.data.id;
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: deploymentId,
      state: "in_progress",
      log_url: logUrl,
      description: "fngate: deploying",
    });
    hooks.onOpen?.({ id: deploymentId, owner, repo, environment, logUrl });
    log.info(`GitHub deployment ${deploymentId} of ${sha.slice(0, 12)} to ${environment}: in progress.`);
  } catch (error) {
    log.warning(explainGitHubFailure(error, "deployment", `record a deployment to ${environment}`));
  }

  return {
    async finish(outcome) {
      if (deploymentId !== undefined) {
        const status = finalStatus(outcome);
        try {
          await octokit.rest.repos.createDeploymentStatus({
            owner,
            repo,
            deployment_id: deploymentId,
            state: status.state,
            log_url: logUrl,
            description: status.description,
            ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
          });
          log.info(`GitHub deployment ${deploymentId}: ${status.state}.`);
        } catch (error) {
          log.warning(
            explainGitHubFailure(error, "deployment", `mark deployment ${deploymentId} ${status.state}`),
          );
        }
        hooks.onClosed?.();
      }
      if (typeof pullRequest?.number !== "number") return;
      const body = commentBody(environment, outcome, { sha, logUrl });
      try {
        const written = await upsertComment(
          octokit,
          { owner, repo, issueNumber: pullRequest.number },
          environment,
          body,
        );
        log.info(`Pull request #${pullRequest.number}: comment ${written.action} (${written.url}).`);
      } catch (error) {
        log.warning(explainGitHubFailure(error, "comment", `comment on pull request #${pullRequest.number}`));
      }
    },
  };
}
