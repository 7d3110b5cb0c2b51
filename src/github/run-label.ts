import { checkRunLabel } from "../run-label.ts";

/**
 * The label a deploy in GitHub Actions gives what it creates when run-label is not set: the workflow
 * run's id and attempt, so each attempt's resources can be torn down on their own. The CLI has no such
 * default; there, only a run-label that is given labels anything.
 */
export function githubRunLabel(env: NodeJS.ProcessEnv): string | undefined {
  const id = env.GITHUB_RUN_ID?.trim();
  if (!id || !/^\d+$/.test(id)) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT?.trim();
  return checkRunLabel(`${id}-${attempt && /^\d+$/.test(attempt) ? attempt : "1"}`);
}
