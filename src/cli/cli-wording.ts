/**
 * The action.yml descriptions speak to a workflow author (the job, its post step, `permissions:`,
 * GITHUB_WORKSPACE). `fngate --help` runs outside GitHub, so each GitHub-only phrase is rewritten to
 * what the CLI does instead. Ordered: the longer phrases before the words they contain.
 * test/cli-help.test.ts fails when a description gains GitHub-only wording no rule covers.
 */
/** Where it comes from, --help says once below the flags (FEDERATED_TOKEN_NOTE). */
const FEDERATED_TOKEN = "the CI's OIDC token";
export const FEDERATED_TOKEN_NOTE =
  "The CI's OIDC token (keyless sign-in) comes from FNGATE_FEDERATED_TOKEN or the file FNGATE_FEDERATED_TOKEN_FILE (GitLab CI id_tokens, a Jenkins credential); the cloud side must trust its issuer and subject.";

const RULES: readonly (readonly [RegExp, string])[] = [
  // Where paths must lie and which commit tags an image.
  [/the workspace \(GITHUB_WORKSPACE; the current directory for the CLI\)/g, "the current directory"],
  [/\(GITHUB_SHA\)/g, "(FNGATE_GIT_SHA, else CI_COMMIT_SHA, GIT_COMMIT or BUILD_SOURCEVERSION)"],
  // Run labels: the actions default to the workflow run; the CLI labels nothing unless told.
  [
    /Defaults to the workflow run's id and attempt \(<run_id>-<run_attempt>\)\./g,
    "Unset, the CLI labels nothing.",
  ],
  [
    /, or their default in GitHub Actions, <run_id>-<run_attempt> of the workflow run that deployed/g,
    ", or, for a deploy that ran in GitHub Actions without one, <run_id>-<run_attempt> of that run",
  ],
  // Keyless sign-in: the CI system's own OIDC token, and no workflow permission to grant.
  [/([Nn])eeds `permissions: id-token: write` and /g, "$1eeds "],
  [/[;,] needs `permissions: id-token: write`/g, ""],
  [/ \(`permissions: id-token: write`\)/g, ""],
  [/; needs id-token: write/g, ""],
  [
    /whose subject matches the job \(e\.g\. [^)]*\)/g,
    "whose issuer and subject match that token (GitLab: project_path:GROUP/PROJECT:ref_type:branch:ref:main)",
  ],
  [/(?:the job's |its |the )GitHub (?:OIDC )?token/g, FEDERATED_TOKEN],
  [/the (?:GitHub )?job assumes/g, "fngate assumes"],
  [/\bGitHub OIDC\b/g, "OIDC federation"],
  [/trusting GitHub\b/g, "trusting the CI's OIDC issuer"],
  // What the post step does, the CLI does in `fngate cleanup` (or `fngate pipeline` at its end).
  [/ \(its post step still cleans up\)/g, ""],
  [/ in the post step\./g, " when `fngate cleanup` runs."],
  [/ or put in the job summary/g, ""],
  [/Store it as a repository or environment secret\./g, "Keep it in the CI system's secret store."],
  [
    /never leaves the login to the job \(docker\/login-action, gcloud auth configure-docker\)/g,
    "needs no earlier docker login",
  ],
  // Steps are commands here.
  [/\bthe step fails cleanly\b/g, "the command stops (exit 3)"],
  [/\bstops the step\b/g, "stops the command"],
  [/\bthis step\b/g, "this command"],
  [/\bthe deploy steps\b/g, "the deploy commands"],
  [/\bas actions\/preflight does\b/g, "as fngate preflight does"],
  [/\ban earlier fn-context step\b/g, "an earlier fngate fn-context"],
  [/\ba separate fn-context step\b/g, "a separate fngate fn-context"],
  [/\ba second entra-token step\b/g, "a second fngate entra-token"],
  [/\bearlier steps or inputs\b/g, "earlier commands or flags"],
];

/** One action.yml description as `fngate --help` prints it. */
export function cliWording(description: string): string {
  return RULES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), description);
}
