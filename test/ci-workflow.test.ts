// The repository's own CI (.github/workflows/ci.yml) is valid for GitHub's workflow parser, runs on
// every push and pull request with read-only contents, runs what .ci/run runs (the whole suite, the CLI
// on Node 22 and 24 included) and checks dist/ and the generated files in a job of its own. Its pinning
// and script hygiene are test/workflows.test.ts's, which covers every workflow in the folder.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { repoRoot } from "./runner/index.ts";
import { loadWorkflowParser } from "./runner/workflow-parser-loader.ts";
import { workflowProblems } from "./support/workflow-hygiene.ts";

const FILE = ".github/workflows/ci.yml";

type Step = { id?: string; if?: string; uses?: string; run?: string; with?: Record<string, unknown> };
type Workflow = {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string>; steps?: Step[] }>;
};

async function text(): Promise<string> {
  return readFile(join(repoRoot, FILE), "utf8");
}

describe(FILE, () => {
  it("is valid for GitHub's workflow parser and follows the hygiene rules of every workflow", async () => {
    const parser = await loadWorkflowParser();
    const parsed = parser.parseWorkflow(
      { name: FILE, content: await text() },
      new parser.NoOperationTraceWriter(),
    );
    if (parsed.value !== undefined) await parser.convertWorkflowTemplate(parsed.context, parsed.value);
    assert.deepEqual(
      parsed.context.errors.getErrors().map((error) => error.message),
      [],
    );
    assert.deepEqual(workflowProblems(await text()), []);
  });

  it("runs on push and pull_request with contents: read and nothing more, in every job", async () => {
    const workflow = parse(await text()) as Workflow;
    assert.deepEqual(Object.keys(workflow.on).sort(), ["pull_request", "push"]);
    assert.deepEqual(workflow.permissions, { contents: "read" });
    for (const [name, job] of Object.entries(workflow.jobs))
      assert.deepEqual(job.permissions, { contents: "read" }, `${name} asks for no more than it reads`);
  });

  it("one job runs .ci/run, and .ci/run runs lint, the dist check and the whole test suite", async () => {
    const workflow = parse(await text()) as Workflow;
    const running = Object.entries(workflow.jobs).filter(([, job]) =>
      job.steps?.some((step) => /\bbash \.ci\/run\b/.test(step.run ?? "")),
    );
    assert.equal(running.length, 1, "one job runs bash .ci/run");
    const script = await readFile(join(repoRoot, ".ci", "run"), "utf8");
    for (const command of ["npm ci", "npm run lint", "npm run check-dist", "npm test"])
      assert.match(script, new RegExp(`^${command}\\b`, "m"), `.ci/run runs ${command}`);
  });

  it("the check-dist job rebuilds dist/ from scratch, fails on any difference and uploads the expected dist/", async () => {
    const job = (parse(await text()) as Workflow).jobs["check-dist"];
    assert.ok(job?.steps, "a check-dist job");
    const runs = job.steps.map((step) => step.run ?? "");
    const at = (pattern: RegExp) => runs.findIndex((run) => pattern.test(run));
    assert.ok(at(/^npm ci\b/) >= 0 && at(/rm -rf dist\n/) > at(/^npm ci\b/), "dist/ removed after npm ci");
    assert.ok(at(/npm run build/) >= at(/rm -rf dist\n/), "then rebuilt");
    const compare = job.steps.find((step) => /git status --porcelain -- dist/.test(step.run ?? ""));
    assert.ok(compare?.id, "the comparison has an id, for the upload's condition");
    assert.match(compare.run ?? "", /exit 1/);
    const upload = job.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"));
    assert.equal(upload?.if, `failure() && steps.${compare.id}.outcome == 'failure'`);
    assert.equal(upload?.with?.path, "dist/");
    assert.ok(at(/^npm run check-docs$/) > 0, "the generated files are checked too");
  });
});
