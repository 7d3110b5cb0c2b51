import type { getOctokit } from "@actions/github";
import { commentMarker } from "./comment-body.ts";

type Octokit = ReturnType<typeof getOctokit>;

/**
 * One comment per pull request and environment, updated in place on every run: the marker finds it
 * among every comment (all pages: a busy pull request has more than one). A comment someone edited
 * keeps its marker only if they kept it; then a new one is written.
 */
export async function upsertComment(
  octokit: Octokit,
  where: { owner: string; repo: string; issueNumber: number },
  environment: string,
  body: string,
): Promise<{ action: "created" | "updated"; url: string }> {
  const { owner, repo, issueNumber } = where;
  const marker = commentMarker(environment);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const ours = comments.find((comment) => comment.body?.startsWith(marker));
  if (ours) {
    const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
    return { action: "updated", url: updated.data.html_url };
  }
  const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  return { action: "created", url: created.data.html_url };
}
