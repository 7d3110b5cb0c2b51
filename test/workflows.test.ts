// Every workflow (and README workflow snippet) is valid for GitHub's own workflow parser and follows the
// hygiene rules of support/workflow-hygiene.ts (pinned SHAs, checkout without persisted credentials, no
// ${{ }} in run:, job permissions). The reusable workflows and the example caller match the actions'
// inputs; the live end-to-end workflows skip with a notice without credentials and always tear down what
// their run created; the repository's CI runs .ci/run and checks dist/ in a job of its own.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { loadActionMetadata, repoRoot } from "./runner/index.ts";
import { loadWorkflowParser } from "./runner/workflow-parser-loader.ts";
import { workflowProblems } from "./support/workflow-hygiene.ts";

type Step = {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
};
type Job = {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps?: Step[];
  with?: Record<string, unknown>;
  secrets?: Record<string, string>;
};
type Specs = Record<string, { required?: boolean }>;
type Workflow = {
  on: {
    workflow_call?: { inputs: Specs; secrets: Specs };
    workflow_dispatch?: unknown;
    schedule?: { cron: string }[];
  };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
};

const REUSABLE = ".github/workflows/oci-function.yml";
const CALLER = "examples/workflows/deploy-hello.yml";
const CI = ".github/workflows/ci.yml";
const WORKFLOWS = [".github/workflows", "examples/workflows"].flatMap((folder) =>
  readdirSync(join(repoRoot, folder))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `${folder}/${name}`),
);

const text = (file: string) => readFile(join(repoRoot, file), "utf8");
const read = async (file: string) => parse(await text(file)) as Workflow;
const needsOf = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);

/** with: keys a step passes that its action (`$/…` or `./…`, this repository's) does not declare. */
async function unknownInputs(step: Step): Promise<string[]> {
  const name = (step.uses ?? "").replace(/^(\$|\.)\/(actions\/)?/, "");
  const inputs = new Set((await loadActionMetadata(name === "" ? ".." : name)).inputs.map((i) => i.name));
  return Object.keys(step.with ?? {}).filter((key) => !inputs.has(key));
}

describe("every workflow", () => {
  it(`${WORKFLOWS.length} workflows are found`, () => assert.ok(WORKFLOWS.length >= 8, WORKFLOWS.join(", ")));
  for (const file of WORKFLOWS) {
    it(`${file} is valid for GitHub's workflow parser and follows the hygiene rules`, async () => {
      const parser = await loadWorkflowParser();
      const content = await text(file);
      const parsed = parser.parseWorkflow({ name: file, content }, new parser.NoOperationTraceWriter());
      if (parsed.value !== undefined) await parser.convertWorkflowTemplate(parsed.context, parsed.value);
      assert.deepEqual(
        parsed.context.errors.getErrors().map((error) => error.message),
        [],
      );
      assert.deepEqual(workflowProblems(content), []);
    });
  }

  it("the README's workflow snippets follow the same rules", async () => {
    const snippets = [...(await text("README.md")).matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((match) => match[1] ?? "")
      .filter(
        (snippet) => /^\s*(- )?(uses|run|steps|jobs):/m.test(snippet) && !/^\S+:\n\s+image:/m.test(snippet),
      );
    assert.ok(snippets.length >= 4, `${snippets.length} snippets`);
    assert.deepEqual(
      snippets.flatMap((snippet) => workflowProblems(snippet)),
      [],
    );
  });

  it("the rules catch each thing they forbid", () => {
    const sha = "3d3c42e5aac5ba805825da76410c181273ba90b1";
    const job = (steps: string, permissions = "    permissions: { contents: read }\n") =>
      `jobs:\n  build:\n    runs-on: ubuntu-latest\n${permissions}    steps:\n${steps}`;
    const cases: Record<string, [string, RegExp]> = {
      "a tag": [
        job("      - uses: actions/setup-node@v4\n"),
        /actions\/setup-node@v4 is not pinned to a full commit SHA/,
      ],
      "a short SHA": [
        job("      - uses: actions/setup-node@3d3c42e\n"),
        /is not pinned to a full commit SHA/,
      ],
      "a SHA without its version": [
        job(`      - uses: actions/setup-node@${sha}\n`),
        /has no # vX\.Y\.Z comment/,
      ],
      "checkout keeping the token": [
        job(`      - uses: actions/checkout@${sha} # v7.0.1\n`),
        /actions\/checkout without persist-credentials: false/,
      ],
      "an expression in run": [
        job(`      - run: echo "\${{ github.event.issue.title }}"\n`),
        /a \$\{\{ \}\} expression inside run:/,
      ],
      "a job without permissions": [job("      - run: echo hi\n", ""), /job build: declares no permissions/],
      "an unpinned reusable workflow": [
        "jobs:\n  call:\n    permissions: {}\n    uses: octo/tools/.github/workflows/x.yml@main\n",
        /octo\/tools\/\.github\/workflows\/x\.yml@main is not pinned/,
      ],
      "a docker action by tag": [
        job("      - uses: docker://alpine:3\n"),
        /is not pinned to an image digest/,
      ],
    };
    for (const [what, [yaml, problem]] of Object.entries(cases)) {
      const found = workflowProblems(yaml);
      assert.equal(found.length, 1, `${what}: ${found.join(" | ")}`);
      assert.match(found[0] ?? "", problem, what);
    }
    const clean = job(
      `      - uses: actions/checkout@${sha} # v7.0.1\n        with:\n          persist-credentials: false\n      - env:\n          TITLE: \${{ github.event.issue.title }}\n        run: echo "$TITLE"\n      - uses: $/actions/fn-deploy\n`,
    );
    assert.deepEqual(workflowProblems(clean), []);
  });
});

/** Each reusable workflow and the actions its deploy job runs at its own commit (".." is the root action). */
const REUSABLE_WORKFLOWS = [
  { file: REUSABLE, actions: [".."] },
  { file: ".github/workflows/alibaba-fc-function.yml", actions: ["fc-deploy"] },
  {
    file: ".github/workflows/cloud-run-function.yml",
    actions: ["cloud-run-pipeline"],
  },
];

describe("reusable workflows", () => {
  for (const { file, actions } of REUSABLE_WORKFLOWS) {
    it(`${file} runs ${actions.join(", ")} at its own commit with only inputs they have, and passes on every input and secret`, async () => {
      const workflow = await read(file);
      const steps: Step[] = [];
      for (const name of actions) {
        const uses = (workflow.jobs.deploy?.steps ?? []).filter(
          (step) => step.uses === (name === ".." ? "$/" : `$/actions/${name}`),
        );
        assert.ok(uses.length > 0, `a step uses ${name} at the running commit`);
        for (const step of uses) assert.deepEqual(await unknownInputs(step), [], `with: keys ${name} lacks`);
        steps.push(...uses);
      }
      // The targets list reaches the job that makes the matrix, not the deploy step itself.
      const passed = JSON.stringify([...steps, ...(workflow.jobs.targets?.steps ?? [])]);
      const call = workflow.on.workflow_call;
      for (const kind of ["inputs", "secrets"] as const) {
        const unused = Object.keys(call?.[kind] ?? {}).filter((name) => !passed.includes(`${kind}.${name}`));
        assert.deepEqual(unused, [], `workflow_call ${kind} never passed on`);
      }
    });
  }

  for (const [caller, name] of [
    [CALLER, "hello"],
    ["examples/workflows/deploy-regions.yml", "regions"],
  ] as const)
    it(`the example caller ${caller} passes every required input and secret of the reusable workflow`, async () => {
      const reusable = (await read(REUSABLE)).on.workflow_call;
      const job = (await read(caller)).jobs[name];
      assert.ok(reusable && job);
      const missing = (specs: Specs, given: object = {}) =>
        Object.entries(specs)
          .filter(([name, spec]) => spec.required && !(name in given))
          .map(([name]) => name);
      assert.deepEqual(missing(reusable.inputs, job.with), []);
      assert.deepEqual(missing(reusable.secrets, job.secrets), []);
      const unknown = Object.keys(job.with ?? {}).filter((name) => !(name in reusable.inputs));
      assert.deepEqual(unknown, [], "unknown inputs");
    });
});

/** The actions each live workflow deploys with, and the cloud its teardown sweeps. */
const LIVE = [
  { file: ".github/workflows/live-oci.yml", deploys: ["./"], cloud: "oci", oidc: false },
  {
    file: ".github/workflows/live-cloud-run.yml",
    deploys: ["./actions/cloud-run-deploy", "./actions/gcp-id-token", "./actions/smoke-test"],
    cloud: "cloud-run",
    oidc: true,
  },
  {
    file: ".github/workflows/live-alibaba-fc.yml",
    deploys: ["./actions/fc-deploy"],
    cloud: "fc",
    oidc: true,
  },
] as const;

describe("live end-to-end workflows", () => {
  for (const live of LIVE) {
    it(`${live.file} runs on demand and weekly, first checks for its variables and secrets and, without them, skips the rest with a ::notice::`, async () => {
      const [content, workflow] = [await text(live.file), await read(live.file)];
      assert.ok("workflow_dispatch" in workflow.on);
      assert.match(workflow.on.schedule?.[0]?.cron ?? "", /^\d+ \d+ \* \* \d$/, "a weekly cron");
      const [name, check] = Object.entries(workflow.jobs)[0] ?? [];
      assert.ok(name && check);
      assert.deepEqual(needsOf(check), [], "the check runs first");
      assert.deepEqual(check.permissions, {}, "the check needs no token");
      const script = check.steps?.map((s) => s.run ?? "").join("\n") ?? "";
      assert.match(script, /::notice title=[^:]+::/);
      assert.match(script, /ready=false" >> "\$GITHUB_OUTPUT"/);
      assert.match(script, /ready=true" >> "\$GITHUB_OUTPUT"/);
      assert.match(check.outputs?.ready ?? "", /steps\.check\.outputs\.ready/);
      // Every variable and secret the workflow uses is documented at the top and checked by this job.
      const header = content.slice(0, content.indexOf("\nname:"));
      const checked = JSON.stringify(check.steps?.map((s) => s.env));
      const used = new Set([...content.matchAll(/\b(vars|secrets)\.([A-Z_]+)/g)].map((m) => m[2] ?? ""));
      assert.ok(used.size > 0);
      for (const variable of used) {
        assert.match(header, new RegExp(`^#\\s+${variable}\\b`, "m"), `${variable} is documented`);
        assert.ok(checked.includes(`.${variable}`), `${variable} is checked`);
        assert.match(script, new RegExp(`\\b${variable}\\b`), `${variable} is named when missing`);
      }
      for (const [jobName, job] of Object.entries(workflow.jobs).slice(1)) {
        assert.ok(needsOf(job).includes(name), `${jobName} waits for the check`);
        assert.match(
          job.if ?? "",
          new RegExp(`needs\\.${name}\\.outputs\\.ready == 'true'`),
          `${jobName} reads it`,
        );
      }
    });

    it(`${live.file} deploys under this run's label and always tears down exactly that label`, async () => {
      const workflow = await read(live.file);
      const jobs = Object.values(workflow.jobs);
      const deploying = jobs.filter((job) => job.steps?.some((s) => live.deploys.some((d) => s.uses === d)));
      const tearing = jobs.filter((job) => job.steps?.some((s) => s.uses === "./actions/teardown"));
      assert.equal(tearing.length, 1, "one teardown job");
      const teardownJob = tearing[0] as Job;
      assert.match(teardownJob.if ?? "", /^always\(\) && /, "teardown runs whatever happened before");
      const teardown = teardownJob.steps?.find((s) => s.uses === "./actions/teardown");
      assert.equal(teardown?.with?.cloud, live.cloud);
      const label = teardown?.with?.["run-label"] ?? "";
      assert.match(label, /env\.RUN_LABEL/);
      for (const job of deploying) {
        assert.ok(
          needsOf(teardownJob).some((n) => workflow.jobs[n] === job),
          "teardown waits for the deploy",
        );
        assert.equal(job.env?.RUN_LABEL, teardownJob.env?.RUN_LABEL, "the same label");
        assert.match(
          job.env?.RUN_LABEL ?? "",
          /github\.run_id.*github\.run_attempt/,
          "unique per run attempt",
        );
        const labelled = job.steps?.filter((s) => s.with?.["run-label"] !== undefined) ?? [];
        assert.ok(labelled.length > 0, "the deploy sets run-label");
        for (const step of labelled) assert.equal(step.with?.["run-label"], label);
      }
    });

    // Third-party actions pinned to a SHA with their version: the hygiene rules, for every workflow above.
    it(`${live.file} uses least permissions and only inputs the actions have`, async () => {
      const workflow = await read(live.file);
      assert.deepEqual(workflow.permissions, {}, "nothing granted by default");
      for (const [name, job] of Object.entries(workflow.jobs)) {
        assert.ok(job.permissions, `${name} states its permissions`);
        const oidcInputs = job.steps?.some((s) =>
          ["workload-identity-provider", "role-to-assume", "federated"].some(
            (i) => s.with?.[i] !== undefined,
          ),
        );
        assert.equal(
          job.permissions["id-token"] === "write",
          oidcInputs === true && live.oidc,
          `${name}: id-token: write exactly where OIDC is used`,
        );
        for (const [scope, level] of Object.entries(job.permissions)) {
          assert.ok(
            (scope === "contents" && level === "read") || (scope === "id-token" && level === "write"),
            `${name}: ${scope}: ${level}`,
          );
        }
        for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith("./")))
          assert.deepEqual(await unknownInputs(step), [], `${name}: with: keys ${step.uses} does not have`);
      }
    });
  }
});

describe(CI, () => {
  it("runs on push and pull_request with contents: read and nothing more, in every job", async () => {
    const workflow = await read(CI);
    assert.deepEqual(Object.keys(workflow.on).sort(), ["pull_request", "push"]);
    assert.deepEqual(workflow.permissions, { contents: "read" });
    for (const [name, job] of Object.entries(workflow.jobs))
      assert.deepEqual(job.permissions, { contents: "read" }, `${name} asks for no more than it reads`);
  });

  it("one job runs .ci/run, and .ci/run runs lint, the dist check and the whole test suite", async () => {
    const running = Object.values((await read(CI)).jobs).filter((job) =>
      job.steps?.some((step) => /\bbash \.ci\/run\b/.test(step.run ?? "")),
    );
    assert.equal(running.length, 1, "one job runs bash .ci/run");
    const script = await text(".ci/run");
    for (const command of ["npm ci", "npm run lint", "npm run check-dist", "npm test"])
      assert.match(script, new RegExp(`^${command}\\b`, "m"), `.ci/run runs ${command}`);
  });

  it("the check-dist job rebuilds dist/ from scratch, fails on any difference and uploads the expected dist/", async () => {
    const job = (await read(CI)).jobs["check-dist"];
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
