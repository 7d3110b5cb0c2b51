import { describeError } from "../../errors.ts";

/** The permission each record needs from the job's token, as a workflow grants it. */
const PERMISSION = {
  deployment: "deployments: write",
  comment: "pull-requests: write",
} as const;

/**
 * One warning line for a GitHub API call that failed: the record is a courtesy, so the deploy goes on,
 * but the user learns what to grant or fix. Never the token: octokit's errors carry the request, so
 * only the status and GitHub's own message are used.
 */
export function explainGitHubFailure(error: unknown, what: keyof typeof PERMISSION, action: string): string {
  const answered = typeof error === "object" && error !== null && "response" in error && error.response;
  // Octokit reports a call that got no answer as status 500 without a response: that is no HTTP 500.
  const status = answered && "status" in error ? Number(error.status) : undefined;
  const message = githubMessage(error);
  const prefix = `github-token could not ${action}`;
  if (status === 401)
    return `${prefix} (HTTP 401 ${message}): the token is not valid; pass \${{ github.token }} or a token that is.`;
  if (status === 403 || status === 404) {
    return `${prefix} (HTTP ${status} ${message}): give the job \`permissions: ${PERMISSION[what]}\` (and use a token for this repository).`;
  }
  if (status !== undefined)
    return `${prefix} (HTTP ${status} ${message}); the deploy itself is not affected.`;
  const cause = error instanceof Error && error.cause ? `: ${describeError(error.cause)}` : "";
  return `${prefix} (${describeError(error)}${cause}); the deploy itself is not affected.`;
}

function githubMessage(error: unknown): string {
  const response = typeof error === "object" && error && "response" in error ? error.response : undefined;
  const data = typeof response === "object" && response && "data" in response ? response.data : undefined;
  const message = typeof data === "object" && data && "message" in data ? String(data.message) : "";
  return message.replace(/[\r\n]+/g, " ").slice(0, 200);
}
