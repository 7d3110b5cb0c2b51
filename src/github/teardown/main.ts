import * as core from "@actions/core";
import { readTeardownInputs } from "../../inputs/teardown.ts";
import { RUN_LABEL_KEY } from "../../run-label.ts";
import { teardownOutputs } from "../../steps/outputs/teardown.ts";
import type { TeardownInputs, TeardownResult } from "../../steps/teardown-types.ts";
import { googleTokenSource } from "../../tools/step-tools.ts";
import { runMain } from "../run.ts";
import { escapeHtml } from "../settings-summary.ts";

await runMain(async ({ read, host, tools, ctx, setOutputs }) => {
  const inputs = readTeardownInputs(read, host);
  // The step, and the cloud SDK it uses, load only once the inputs are read and checked.
  const { teardown } = await import("../../steps/teardown.ts");
  const result = await teardown(inputs, ctx(), googleTokenSource(tools));
  setOutputs(teardownOutputs(result));
  await writeSummary(inputs, result);
});

/** What was deleted, by kind, name and id, and what was left alone with why. */
async function writeSummary(inputs: TeardownInputs, result: TeardownResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const { describeCount, scopeOf } = await import("../../steps/teardown.ts");
  const label = `${RUN_LABEL_KEY}=${result.runLabel}`;
  core.summary.addHeading("fngate: teardown", 3);
  if (result.deleted.length === 0) {
    core.summary.addRaw(
      `<p>Nothing carries <code>${escapeHtml(label)}</code> in ${escapeHtml(scopeOf(inputs))}: nothing deleted.</p>`,
    );
  } else {
    core.summary.addRaw(
      `<p>Deleted ${escapeHtml(describeCount(result.deleted))} carrying <code>${escapeHtml(label)}</code>.</p>`,
    );
    core.summary.addTable([
      ["Kind", "Name", "Id"].map((data) => ({ data, header: true })),
      ...result.deleted.map((resource) => [
        resource.kind,
        escapeHtml(resource.name),
        `<code>${escapeHtml(resource.id)}</code>`,
      ]),
    ]);
  }
  if (result.leftAlone.length > 0) core.summary.addList(result.leftAlone.map(escapeHtml));
  await core.summary.write();
}
