/**
 * The commit being deployed, for fn-deploy's default tag: GitHub, GitLab CI, Jenkins (git plugin),
 * Azure Pipelines, or FNGATE_GIT_SHA for anything else.
 */
export function commitSha(env: NodeJS.ProcessEnv): { gitSha?: string } {
  for (const name of ["FNGATE_GIT_SHA", "GITHUB_SHA", "CI_COMMIT_SHA", "GIT_COMMIT", "BUILD_SOURCEVERSION"]) {
    const value = env[name]?.trim();
    if (value) return { gitSha: value };
  }
  return {};
}
