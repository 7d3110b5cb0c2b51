// The reusable workflows fan out over targets with GitHub's own engine: a first job makes the targets
// list a matrix (the built actions/targets), the deploy job runs once per target with fail-fast off,
// and a last job reports every target. The matrix and each target's `with:` values are worked out here
// as the runner would: the real action's output, then GitHub's expression evaluator (@actions/expressions)
// over strategy.matrix and the deploy step's inputs.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { repoRoot, runAction } from "./runner/index.ts";
import { evaluateExpression, renderTemplate } from "./support/workflow-expressions.ts";

type Step = {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  "continue-on-error"?: unknown;
};
type Job = {
  name?: string;
  needs?: string | string[];
  if?: string;
  strategy?: { "fail-fast"?: unknown; matrix?: unknown };
  outputs?: Record<string, string>;
  steps?: Step[];
};
type Workflow = {
  on: { workflow_call: { inputs: Record<string, unknown>; outputs: Record<string, { value: string }> } };
  jobs: Record<string, Job>;
};

/** Each reusable workflow, its deploy step, and the inputs whose names a target sharing a region changes. */
const FANNED = [
  {
    file: ".github/workflows/oci-function.yml",
    step: "fngate",
    settings: ["gateway-ocid", "application", "path-prefix"],
    suffixed: { deployment: "hello" },
    inputs: {
      deployment: "hello",
      "path-prefix": "/hello",
      "gateway-ocid": "ocid1.apigateway.oc1.shared",
      application: "app",
    },
    own: { key: "gateway-ocid", value: "ocid1.apigateway.oc1.fra.own" },
    regions: ["us-ashburn-1", "eu-frankfurt-1"],
  },
  {
    file: ".github/workflows/cloud-run-function.yml",
    step: "deploy",
    settings: ["image"],
    suffixed: { service: "hello" },
    inputs: { service: "hello", image: "asia-northeast1-docker.pkg.dev/p/r/i:1", ingress: "all" },
    own: { key: "image", value: "us-central1-docker.pkg.dev/p/r/i:1" },
    regions: ["asia-northeast1", "us-central1"],
  },
  {
    file: ".github/workflows/alibaba-fc-function.yml",
    step: "fc",
    settings: ["image"],
    suffixed: { function: "hello" },
    inputs: { function: "hello", image: "registry.cn-hangzhou.aliyuncs.com/ns/i:1" },
    own: { key: "image", value: "registry.ap-southeast-1.aliyuncs.com/ns/i:1" },
    regions: ["cn-hangzhou", "ap-southeast-1"],
  },
] as const;

const RUN = { GITHUB_RUN_ID: "9001", GITHUB_RUN_ATTEMPT: "3" };
const read = async (file: string) => parse(await readFile(join(repoRoot, file), "utf8")) as Workflow;
const needsOf = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);
const only = <T>(items: readonly T[], what: string): T => {
  assert.equal(items.length, 1, what);
  return items[0] as T;
};

/** The `with:` of a step, every value rendered against `context`. */
const rendered = (step: Step, context: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(step.with ?? {}).map(([key, value]) => [key, renderTemplate(String(value), context)]),
  );

/** The deploy job's step `id`, and its `with:` for one matrix target as the runner renders it. */
function deployStep(workflow: Workflow, id: string) {
  const step = only(workflow.jobs.deploy?.steps?.filter((s) => s.id === id) ?? [], "the deploy step");
  return (inputs: Record<string, string>, target: Record<string, string>) =>
    rendered(step, {
      inputs,
      matrix: { target },
      vars: {},
      secrets: {},
      github: { event_name: "workflow_call" },
    });
}

/** What the deploy job's matrix becomes for these workflow inputs: actions/targets run for real, then strategy.matrix. */
async function expand(workflow: Workflow, inputs: Record<string, string>): Promise<Record<string, string>[]> {
  const step = only(
    workflow.jobs.targets?.steps?.filter((s) => s.uses === "$/actions/targets") ?? [],
    "one targets step",
  );
  const { main } = await runAction("targets", { inputs: rendered(step, { inputs, vars: {} }), env: RUN });
  assert.equal(main.exitCode, 0, main.stdout);
  const matrix = evaluateExpression(
    String(workflow.jobs.deploy?.strategy?.matrix)
      .replace(/^\$\{\{([\s\S]*)\}\}$/, "$1")
      .trim(),
    { needs: { targets: { outputs: { matrix: main.outputs.matrix } } } },
  ) as Record<string, unknown>;
  // One dimension, no include or exclude: the jobs are its values, in order.
  assert.deepEqual(Object.keys(matrix), ["target"]);
  return matrix.target as Record<string, string>[];
}

for (const fanned of FANNED) {
  describe(`${fanned.file} fans out over targets`, () => {
    it("targets → deploy (a matrix, fail-fast off) → summary, with GitHub's own needs and outputs", async () => {
      const workflow = await read(fanned.file);
      assert.deepEqual(Object.keys(workflow.jobs), ["targets", "deploy", "summary"]);
      const { targets, deploy, summary } = workflow.jobs as Record<"targets" | "deploy" | "summary", Job>;
      assert.deepEqual(needsOf(targets), []);
      assert.match(targets.outputs?.matrix ?? "", /steps\.targets\.outputs\.matrix/);
      assert.deepEqual(needsOf(deploy), ["targets"]);
      assert.equal(deploy.strategy?.["fail-fast"], false);
      assert.equal(deploy.strategy?.matrix, `\${{ fromJSON(needs.targets.outputs.matrix) }}`);
      assert.equal(deploy.name, `deploy \${{ matrix.target.name }}`);
      assert.deepEqual(needsOf(summary).sort(), ["deploy", "targets"]);
      assert.equal(summary.if, "always() && needs.targets.result == 'success'", "reports failed targets too");
      assert.ok("targets" in workflow.on.workflow_call.inputs);
      assert.match(workflow.on.workflow_call.outputs.results?.value ?? "", /jobs\.summary\.outputs\.results/);

      // The summary reads the same list the matrix was made from, and the folder every target uploads to.
      const made = only(targets.steps ?? [], "the targets job has one step");
      const report = only(
        summary.steps?.filter((s) => s.uses === "$/actions/targets") ?? [],
        "one report step",
      );
      const { results, ...sameList } = report.with ?? {};
      assert.deepEqual(sameList, made.with);
      assert.deepEqual(
        String(made.with?.settings).split(/,\s*/),
        [...fanned.settings],
        "the settings a target may give",
      );
      const download = only(
        summary.steps?.filter((s) => s.uses?.startsWith("actions/download-artifact@")) ?? [],
        "one download",
      );
      assert.equal(download.with?.path, results);
      assert.equal(download["continue-on-error"], true, "a target without a result is reported, not a crash");
      assert.equal(download.with?.["merge-multiple"], true);
      const upload = only(
        deploy.steps?.filter((s) => s.uses?.startsWith("actions/upload-artifact@")) ?? [],
        "one upload",
      );
      assert.equal(upload.if, "always()");
      assert.equal(upload.with?.name, `fngate-result-\${{ matrix.target.name }}`);
      assert.equal(download.with?.pattern, "fngate-result-*");
      // Each target records its own step's outcome, success or not, as <name>.json.
      const recordIndex = deploy.steps?.findIndex((s) => s.env?.OUTCOME !== undefined) ?? -1;
      const record = deploy.steps?.[recordIndex];
      assert.ok(record && recordIndex < (deploy.steps?.indexOf(upload) ?? -1), "recorded before the upload");
      assert.equal(record.if, "always()");
      assert.equal(record.env?.OUTCOME, `\${{ steps.${fanned.step}.outcome }}`);
      assert.match(record.env?.URL ?? "", new RegExp(`steps\\.${fanned.step}\\.outputs\\.`));
      assert.match(record.run ?? "", /> "fngate-result\/\$TARGET\.json"/);
      assert.ok(!/\b(for|while)\b/.test(record.run ?? ""), "no loop in shell");
    });

    it("each target deploys to its region under its own run label; where two share a region, under its own names", async () => {
      const workflow = await read(fanned.file);
      const [first, second] = fanned.regions;
      const targets = JSON.stringify([
        { region: first, name: "blue" },
        { region: first, name: "green" },
        { region: second, name: "other", [fanned.own.key]: fanned.own.value },
      ]);
      const matrix = await expand(workflow, { ...fanned.inputs, targets });
      assert.deepEqual(
        matrix.map((t) => t.name),
        ["blue", "green", "other"],
      );
      const deploy = workflow.jobs.deploy as Job;
      const withFor = deployStep(workflow, fanned.step);
      const [[suffixedInput, base]] = Object.entries(fanned.suffixed) as [[string, string]];
      const perTarget = matrix.map((target) => ({
        job: renderTemplate(deploy.name ?? "", { matrix: { target } }),
        with: withFor({ ...fanned.inputs, targets }, target),
      }));
      assert.deepEqual(
        perTarget.map((t) => [t.job, t.with.region, t.with["run-label"], t.with[suffixedInput]]),
        [
          ["deploy blue", first, "9001-3-blue", `${base}-blue`],
          ["deploy green", first, "9001-3-green", `${base}-green`],
          ["deploy other", second, "9001-3-other", base],
        ],
      );
      // A target's own setting wins; the others take the shared input.
      const shared = (fanned.inputs as Record<string, string>)[fanned.own.key];
      assert.deepEqual(
        perTarget.map((t) => t.with[fanned.own.key]),
        [shared, shared, fanned.own.value],
      );
    });

    it("a caller's single region still works: one target, the names it gave unchanged", async () => {
      const workflow = await read(fanned.file);
      const [region] = fanned.regions;
      const matrix = await expand(workflow, { ...fanned.inputs, region });
      const target = only(matrix, "one target");
      const values = deployStep(workflow, fanned.step)({ ...fanned.inputs, region }, target);
      assert.equal(values.region, region);
      for (const [input, base] of Object.entries(fanned.suffixed)) assert.equal(values[input], base);
      assert.equal(values["run-label"], `9001-3-${region}`);
    });
  });
}
