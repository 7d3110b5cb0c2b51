// The claims of a GitHub Actions OIDC token for a job, as GitHub documents them. Federated identity
// credentials match on `sub`, whose form depends on the trigger: an environment, a pull request, or
// the ref; getting that form wrong is the usual AADSTS70021, so it is derived the same way here.
import { randomBytes, randomUUID } from "node:crypto";
import type { JWTPayload } from "jose";

export interface GithubJob {
  /** "owner/repo". */
  repository: string;
  /** Default "refs/heads/main". */
  ref?: string;
  /** Default: a random commit SHA. */
  sha?: string;
  /** Workflow name; default "deploy". */
  workflow?: string;
  /** Path of the workflow file; default ".github/workflows/deploy.yml". */
  workflowPath?: string;
  /** Default "octocat". */
  actor?: string;
  /** Default "push". */
  eventName?: string;
  /** The job's `environment:`; changes the subject to repo:R:environment:E. */
  environment?: string;
  runId?: string;
  runNumber?: string;
  runAttempt?: string;
  /** Overrides the derived subject (GitHub's customizable subject template). */
  subject?: string;
  /** Extra or replaced claims. */
  claims?: Record<string, unknown>;
}

export function subjectFor(job: GithubJob): string {
  if (job.subject) return job.subject;
  if (job.environment) return `repo:${job.repository}:environment:${job.environment}`;
  const event = job.eventName ?? "push";
  if (event === "pull_request" || event === "pull_request_target")
    return `repo:${job.repository}:pull_request`;
  return `repo:${job.repository}:ref:${job.ref ?? "refs/heads/main"}`;
}

export function githubTokenClaims(
  job: GithubJob,
  issuer: string,
  audience: string | undefined,
  now: Date,
  lifetimeSeconds: number,
): JWTPayload {
  const owner = job.repository.split("/")[0] ?? job.repository;
  const ref = job.ref ?? "refs/heads/main";
  const sha = job.sha ?? randomBytes(20).toString("hex");
  const workflowRef = `${job.repository}/${job.workflowPath ?? ".github/workflows/deploy.yml"}@${ref}`;
  const iat = Math.floor(now.getTime() / 1000);
  return {
    jti: randomUUID(),
    sub: subjectFor(job),
    ...(job.environment ? { environment: job.environment } : {}),
    // Without an audience GitHub uses the owner's URL.
    aud: audience ?? `https://github.com/${owner}`,
    ref,
    sha,
    repository: job.repository,
    repository_owner: owner,
    repository_owner_id: "65",
    repository_id: "74",
    repository_visibility: "private",
    run_id: job.runId ?? String(1_000_000 + Math.floor(Math.random() * 1_000_000)),
    run_number: job.runNumber ?? "1",
    run_attempt: job.runAttempt ?? "1",
    runner_environment: "github-hosted",
    actor: job.actor ?? "octocat",
    actor_id: "12",
    workflow: job.workflow ?? "deploy",
    head_ref: "",
    base_ref: "",
    event_name: job.eventName ?? "push",
    ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch",
    ref_protected: "false",
    workflow_ref: workflowRef,
    workflow_sha: sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: sha,
    iss: issuer,
    // GitHub's documented example: valid from ten minutes before issue to five minutes after.
    nbf: iat - 600,
    exp: iat + lifetimeSeconds,
    iat,
    ...job.claims,
  };
}
