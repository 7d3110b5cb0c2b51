// The rules every workflow (and README workflow snippet) of this repository follows, as one function:
// - every action or reusable workflow is pinned to a full 40-hex commit SHA with a `# vX.Y.Z` comment
//   (a tag can be moved to other code; a SHA cannot); this repository's own actions (`$/…`, `./…`) and
//   the `ORG/fngate` placeholder of the examples, which a reader replaces with their pinned release,
//   are the exceptions;
// - actions/checkout runs with `persist-credentials: false`, so the job's token is not left in
//   .git/config for later steps (or an image built from the checkout) to pick up;
// - no `${{ }}` expression inside a `run:` script: values reach the shell through `env:`, so an output
//   or input is data and never shell code;
// - every job declares its `permissions:` (least privilege, not the repository default).
import { parse } from "yaml";

type Json = Record<string, unknown>;

const OWN = /^(\$\/|\.\/)/;
const PLACEHOLDER = /^ORG\/fngate(\/|@)/;
const PINNED = /^[^@\s]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v\d+\.\d+\.\d+\b/;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every rule the YAML document `text` breaks, one line each; empty when it follows them all. */
export function workflowProblems(text: string): string[] {
  const doc = parse(text) as unknown;
  const problems: string[] = [];
  const lines = text.split("\n");

  const checkUses = (where: string, uses: string) => {
    if (OWN.test(uses) || PLACEHOLDER.test(uses)) return;
    if (uses.startsWith("docker://")) {
      if (!uses.includes("@sha256:")) problems.push(`${where}: ${uses} is not pinned to an image digest`);
      return;
    }
    if (!PINNED.test(uses)) {
      problems.push(`${where}: ${uses} is not pinned to a full commit SHA`);
      return;
    }
    const line = lines.find((candidate) => candidate.includes(`uses: ${uses}`)) ?? "";
    if (!VERSION_COMMENT.test(line))
      problems.push(`${where}: ${uses} has no # vX.Y.Z comment naming the release`);
  };

  const checkSteps = (where: string, steps: unknown) => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step: unknown, index) => {
      if (!isObject(step)) return;
      const label = `${where} step ${typeof step.id === "string" ? step.id : index + 1}`;
      if (typeof step.uses === "string") {
        checkUses(label, step.uses);
        if (/^actions\/checkout@/.test(step.uses)) {
          const persist = isObject(step.with) ? step.with["persist-credentials"] : undefined;
          if (persist !== false && persist !== "false") {
            problems.push(`${label}: actions/checkout without persist-credentials: false`);
          }
        }
      }
      if (typeof step.run === "string" && step.run.includes("${{")) {
        problems.push(`${label}: a \${{ }} expression inside run: (pass it through env:)`);
      }
    });
  };

  if (isObject(doc) && isObject(doc.jobs)) {
    for (const [name, job] of Object.entries(doc.jobs)) {
      if (!isObject(job)) continue;
      if (!("permissions" in job)) problems.push(`job ${name}: declares no permissions`);
      if (typeof job.uses === "string") checkUses(`job ${name}`, job.uses);
      checkSteps(`job ${name}`, job.steps);
    }
  } else if (isObject(doc)) {
    checkSteps("steps", doc.steps);
  } else {
    checkSteps("steps", doc);
  }
  return problems;
}
