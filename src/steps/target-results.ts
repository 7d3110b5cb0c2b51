import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { confineToWorkspace } from "../fs/workspace-path.ts";
import type { Target } from "../inputs/targets.ts";
import type { StepContext } from "../step-context.ts";

/** What one target's deploy job left: its step's outcome (success, failure, cancelled, skipped) and URL. */
export interface TargetResult {
  target: string;
  region: string;
  url: string;
  outcome: string;
}

export interface TargetReport {
  /** In the order the targets were given, every target once, whether or not it reported. */
  results: TargetResult[];
  /** One line per target: its URL, or how it failed. */
  lines: string[];
  failed: string[];
}

/**
 * Reads <folder>/<target name>.json for every target (the deploy jobs write them) and reports each in
 * the list's order. A target without a file (its job never got that far) or with one that cannot be
 * read counts as failed: a summary never reports success for a target it knows nothing of.
 */
export async function reportTargetResults(
  folder: string,
  targets: readonly Target[],
  ctx: StepContext,
): Promise<TargetReport> {
  const { real } = await confineToWorkspace("results", folder, ctx.workspaceDir);
  const results = await Promise.all(targets.map((target) => readResult(real, target, ctx.workspaceDir)));
  return {
    results,
    lines: results.map(
      (r) =>
        `${r.target} (${r.region}): ${r.outcome === "success" ? `ok${r.url ? ` ${r.url}` : ""}` : `FAILED (${r.outcome})`}`,
    ),
    failed: results.filter((r) => r.outcome !== "success").map((r) => r.target),
  };
}

/** A step's outcome as GitHub reports it (steps.<id>.outcome); anything else in a result is not one. */
const OUTCOMES = new Set(["success", "failure", "cancelled", "skipped"]);
/** What a result's URL may be: a URL or an ARN on one line, nothing a log would read as a command. */
const SHOWN_URL = /^(https?:\/\/|acs:)[\x21-\x7e]{1,2000}$/;

async function readResult(folder: string, target: Target, workspaceDir: string): Promise<TargetResult> {
  const base = { target: target.name, region: target.region, url: "" };
  let path: string;
  try {
    // A result is what a deploy job wrote: a link out of the workspace is none.
    path = (await confineToWorkspace("results", join(folder, `${target.name}.json`), workspaceDir)).real;
  } catch {
    return { ...base, outcome: "a result outside the workspace" };
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return { ...base, outcome: "no result: its job did not finish" };
  }
  try {
    const { url, outcome } = JSON.parse(text) as { url?: unknown; outcome?: unknown };
    if (typeof outcome !== "string" || !OUTCOMES.has(outcome)) throw new Error("no outcome");
    return { ...base, url: typeof url === "string" && SHOWN_URL.test(url) ? url : "", outcome };
  } catch {
    return { ...base, outcome: "unreadable result" };
  }
}
