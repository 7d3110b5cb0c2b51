/**
 * Inputs only the GitHub actions have: they act on GitHub itself (its deployments and pull request
 * comments), so the CLI offers no flag for them and refuses one as an unknown flag. Keyed like
 * SECRET_INPUTS: the action folder name, or "pipeline" for the root action.yml.
 */
export const GITHUB_ONLY_INPUTS: Readonly<Record<string, readonly string[]>> = {
  pipeline: ["github-token", "environment"],
  "cloud-run-pipeline": ["github-token", "environment"],
};

export function githubOnlyInputs(action: string): ReadonlySet<string> {
  return new Set(GITHUB_ONLY_INPUTS[action] ?? []);
}
