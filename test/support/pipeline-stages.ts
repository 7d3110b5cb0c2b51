// What the Cloud Run and FC pipeline tests check of a run's stages: each stage's lines inside its own log
// group, the summary's timeline (the token stage runs while the deploy waits), and the outputs each
// pipeline's action.yml declares.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import type { StepResult } from "../runner/index.ts";
import { foldedLog, section } from "./folded-log.ts";
import { summaryTimeline, timelineRowsOf } from "./summary-timeline.ts";

/**
 * Each stage's line shows in that stage's group and in no other (but the `alongside` groups, which may log
 * the same line); no group opens inside another.
 */
export function assertStagesOwnLines(
  run: StepResult,
  owned: Record<string, RegExp>,
  alongside: string[] = [],
): void {
  const { sections, nested } = foldedLog(run.stdout);
  assert.deepEqual(nested, []);
  for (const [stage, line] of Object.entries(owned)) {
    assert.ok(
      section(run, stage).some((text) => line.test(text)),
      `${stage}: ${line}\n${run.stdout}`,
    );
    for (const other of sections.filter((s) => s.title !== stage && !alongside.includes(s.title ?? "")))
      assert.ok(!other.lines.some((text) => line.test(text)), `${line} only in ${stage}`);
  }
}

/**
 * The summary's timeline shows the token stage started and ended over a second before the deploy ended
 * (the deploy's wait was made long enough for that), and the smoke test starting after the deploy.
 */
export function assertTokenWhileDeploying(summary: string, deployStage: string, tokenStage: string): void {
  const [deploy, token] = timelineRowsOf(summary, [deployStage, tokenStage]);
  assert.ok(deploy && token, summary);
  assert.ok(token.end < deploy.end - 1, `token ${token.end} s, deploy ${deploy.end} s`);
  assert.ok((summaryTimeline(summary).get("smoke-test")?.start ?? 0) >= deploy.end);
}

/** `fngate <command>`'s log lines without the command's own [command] prefix. */
export function commandLines(stderr: string, command: string): string[] {
  const prefix = `[${command}] `;
  return stderr.split("\n").map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : line));
}

/** The outputs actions/<action>/action.yml declares, sorted. */
export async function declaredOutputs(action: string): Promise<string[]> {
  const text = await readFile(join(import.meta.dirname, "..", "..", "actions", action, "action.yml"), "utf8");
  return Object.keys((parse(text) as { outputs: Record<string, unknown> }).outputs).sort();
}
