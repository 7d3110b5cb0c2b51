import * as core from "@actions/core";

/**
 * The job summary most actions write: a heading and a two-column table of what was configured or
 * deployed. Values are escaped (a summary is HTML) and never include a secret: callers pass identifiers.
 */
export async function writeSettingsSummary(
  heading: string,
  rows: readonly (readonly [string, string])[],
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary
    .addHeading(heading, 3)
    .addTable([
      [
        { data: "Setting", header: true },
        { data: "Value", header: true },
      ],
      ...rows.map(([name, value]) => [name, `<code>${escapeHtml(value)}</code>`]),
    ])
    .write();
}

/**
 * The job summary of a step with one row per result (a token, a service, the smoke checks): a heading
 * and a table with a header row. Values are escaped; callers never pass a secret.
 */
export async function writeTableSummary(
  heading: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary
    .addHeading(heading, 3)
    .addTable([
      header.map((data) => ({ data, header: true })),
      ...rows.map((row) => row.map((value) => escapeHtml(value))),
    ])
    .write();
}

/** The job summary of a step with one result: each column named by its key, one row of values. */
export async function writeRowSummary(heading: string, row: Readonly<Record<string, string>>): Promise<void> {
  await writeTableSummary(heading, Object.keys(row), [Object.values(row)]);
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
