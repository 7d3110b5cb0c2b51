// A step's stdout folded the way the runner shows it: its ::group:: sections, and the groups that were
// opened while another was open (GitHub's groups do not nest: the inner ::endgroup:: closes both).
import assert from "node:assert/strict";
import { parseCommandLine, type StepResult } from "../runner/index.ts";

export interface Section {
  /** The ::group:: title; undefined for lines outside any group. */
  title: string | undefined;
  lines: string[];
}

/**
 * The step's log split into its group sections, as the runner folds it, and whether a ::group:: came
 * while another was open (the runner would close both at the inner ::endgroup::).
 */
export function foldedLog(stdout: string): { sections: Section[]; nested: string[] } {
  const sections: Section[] = [{ title: undefined, lines: [] }];
  const nested: string[] = [];
  let open = false;
  for (const line of stdout.split("\n")) {
    const command = parseCommandLine(line);
    if (command?.name === "group") {
      if (open) nested.push(command.data);
      open = true;
      sections.push({ title: command.data, lines: [] });
    } else if (command?.name === "endgroup") {
      open = false;
      sections.push({ title: undefined, lines: [] });
    } else if (!command) {
      sections.at(-1)?.lines.push(line);
    }
  }
  return { sections, nested };
}

/** The lines of the one group titled `title`. */
export function section(run: StepResult, title: string): string[] {
  const found = foldedLog(run.stdout).sections.filter((s) => s.title === title);
  assert.equal(found.length, 1, `one group ${title} in:\n${run.stdout}`);
  return found[0]?.lines ?? [];
}
