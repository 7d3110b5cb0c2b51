// The reusable workflow and the example caller are valid for GitHub's own workflow parser, and their
// wiring matches the actions: every `with:` key is an input of the root action, every workflow_call
// input is used, and the caller passes what the reusable workflow requires. The live end-to-end
// workflows skip with a notice without credentials and always tear down what their run created. Every
// workflow and README snippet also follows the hygiene rules of support/workflow-hygiene.ts (pinned
// SHAs, checkout without persisted credentials, no ${{ }} in run:, job permissions).
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { loadActionMetadata, repoRoot } from "./runner/index.ts";
import { loadWorkflowParser } from "./runner/workflow-parser-loader.ts";
import { workflowProblems } from "./support/workflow-hygiene.ts";

const REUSABLE = ".github/workflows/oci-function.yml";
const CALLER = "examples/workflows/deploy-hello.yml";

async function parsedWithGitHubsParser(file: string): Promise<string[]> {
  const parser = await loadWorkflowParser();
  const content = await readFile(join(repoRoot, file), "utf8");
  const parsed = parser.parseWorkflow({ name: file, content }, new parser.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value !== undefined) await parser.convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...parsed.context.errors.getErrors().map((error) => error.message)];
}

type Workflow = {
  on: {
    workflow_call?: {
      inputs: Record<string, { required?: boolean }>;
      secrets: Record<string, { required?: boolean }>;
    };
  };
  jobs: Record<
    string,
    {
      steps?: { uses?: string; with?: Record<string, string> }[];
      with?: Record<string, unknown>;
      secrets?: Record<string, string>;
    }
  >;
};

async function read(file: string): Promise<Workflow> {
  return parse(await readFile(join(repoRoot, file), "utf8")) as Workflow;
}

/** Each reusable workflow and the actions its deploy job runs at its own commit ("$/" is the root action). */
const REUSABLE_WORKFLOWS = [
  { file: REUSABLE, actions: [".."] },
  { file: ".github/workflows/alibaba-fc-function.yml", actions: ["fc-deploy"] },
  {
    file: ".github/workflows/cloud-run-function.yml",
    actions: ["cloud-run-pipeline"],
  },
];

describe("reusable workflows", () => {
  for (const file of [...REUSABLE_WORKFLOWS.map((workflow) => workflow.file), CALLER]) {
    it(`${file} is valid for GitHub's workflow parser`, async () => {
      assert.deepEqual(await parsedWithGitHubsParser(file), []);
    });
  }

  for (const { file, actions } of REUSABLE_WORKFLOWS) {
    it(`${file} runs ${actions.join(", ")} at its own commit with only inputs they have, and passes on every input and secret`, async () => {
      const workflow = await read(file);
      const steps: { uses?: string; with?: Record<string, string> }[] = [];
      for (const name of actions) {
        const uses = (workflow.jobs.deploy?.steps ?? []).filter(
          (step) => step.uses === (name === ".." ? "$/" : `$/actions/${name}`),
        );
        assert.ok(uses.length > 0, `a step uses ${name} at the running commit`);
        const inputs = new Set((await loadActionMetadata(name)).inputs.map((input) => input.name));
        for (const step of uses) {
          const unknown = Object.keys(step.with ?? {}).filter((key) => !inputs.has(key));
          assert.deepEqual(unknown, [], `with: keys ${name} does not have`);
        }
        steps.push(...uses);
      }
      const text = JSON.stringify(steps);
      const call = workflow.on.workflow_call;
      for (const [kind, declared] of [
        ["inputs", call?.inputs],
        ["secrets", call?.secrets],
      ] as const) {
        const unused = Object.keys(declared ?? {}).filter((name) => !text.includes(`${kind}.${name}`));
        assert.deepEqual(unused, [], `workflow_call ${kind} never passed on`);
      }
    });
  }

  it("the example caller passes every required input and secret of the reusable workflow", async () => {
    const reusable = (await read(REUSABLE)).on.workflow_call;
    const job = (await read(CALLER)).jobs.hello;
    assert.ok(reusable && job);
    const required = (specs: Record<string, { required?: boolean }>) =>
      Object.entries(specs)
        .filter(([, spec]) => spec.required)
        .map(([name]) => name);
    assert.deepEqual(
      required(reusable.inputs).filter((name) => !(name in (job.with ?? {}))),
      [],
    );
    assert.deepEqual(
      required(reusable.secrets).filter((name) => !(name in (job.secrets ?? {}))),
      [],
    );
    assert.deepEqual(
      Object.keys(job.with ?? {}).filter((name) => !(name in reusable.inputs)),
      [],
      "unknown inputs",
    );
  });
});

type LiveJob = {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps?: {
    id?: string;
    uses?: string;
    run?: string;
    env?: Record<string, string>;
    with?: Record<string, string>;
  }[];
};
type LiveWorkflow = {
  on: { workflow_dispatch?: unknown; schedule?: { cron: string }[] };
  permissions?: Record<string, string>;
  jobs: Record<string, LiveJob>;
};

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

const needsOf = (job: LiveJob) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);

describe("live end-to-end workflows", () => {
  for (const live of LIVE) {
    describe(live.file, () => {
      let workflow: LiveWorkflow;
      let text: string;
      const load = async () => {
        text = await readFile(join(repoRoot, live.file), "utf8");
        workflow = parse(text) as LiveWorkflow;
      };

      it("is valid for GitHub's workflow parser, runs on demand and weekly", async () => {
        assert.deepEqual(await parsedWithGitHubsParser(live.file), []);
        await load();
        assert.ok("workflow_dispatch" in workflow.on);
        assert.match(workflow.on.schedule?.[0]?.cron ?? "", /^\d+ \d+ \* \* \d$/, "a weekly cron");
      });

      it("first checks for its variables and secrets and, without them, skips the rest with a ::notice::", async () => {
        await load();
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
        const header = text.slice(0, text.indexOf("\nname:"));
        const checked = JSON.stringify(check.steps?.map((s) => s.env));
        const used = new Set([...text.matchAll(/\b(vars|secrets)\.([A-Z_]+)/g)].map((m) => m[2] ?? ""));
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

      it("deploys under this run's label and always tears down exactly that label", async () => {
        await load();
        const jobs = Object.values(workflow.jobs);
        const deploying = jobs.filter((job) =>
          job.steps?.some((s) => live.deploys.some((d) => s.uses === d)),
        );
        const tearing = jobs.filter((job) => job.steps?.some((s) => s.uses === "./actions/teardown"));
        assert.equal(tearing.length, 1, "one teardown job");
        const teardownJob = tearing[0] as LiveJob;
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

      it("uses least permissions, pinned third-party actions, no persisted credentials, no expression in a script", async () => {
        await load();
        assert.deepEqual(workflow.permissions, {}, "nothing granted by default");
        for (const [name, job] of Object.entries(workflow.jobs)) {
          assert.ok(job.permissions, `${name} states its permissions`);
          const oidcInputs = job.steps?.some((s) =>
            ["workload-identity-provider", "role-to-assume", "federated"].some(
              (input) => s.with?.[input] !== undefined,
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
          for (const step of job.steps ?? []) {
            assert.doesNotMatch(step.run ?? "", /\$\{\{/, `${name}: expressions reach scripts through env:`);
            if (step.uses?.startsWith("actions/checkout@"))
              assert.equal(String(step.with?.["persist-credentials"]), "false");
            if (step.uses?.startsWith("./")) {
              const action = await loadActionMetadata(
                step.uses === "./" ? ".." : step.uses.slice("./actions/".length),
              );
              const inputs = new Set(action.inputs.map((input) => input.name));
              const unknown = Object.keys(step.with ?? {}).filter((key) => !inputs.has(key));
              assert.deepEqual(unknown, [], `${name}: with: keys ${step.uses} does not have`);
            }
          }
        }
        const remote = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].filter(
          ([, uses]) => !uses?.startsWith("./"),
        );
        assert.ok(remote.length > 0);
        for (const [line, uses, rest] of remote) {
          assert.match(
            uses ?? "",
            /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/,
            `pinned to a full commit SHA: ${line}`,
          );
          assert.match(rest ?? "", /^\s+# v\d+(\.\d+)*$/, `with its version as a comment: ${line}`);
        }
      });
    });
  }
});

describe("supply chain and script hygiene of every workflow and README snippet", () => {
  const folders = [".github/workflows", "examples/workflows"];

  it("every workflow pins its actions to commit SHAs, checks out without persisting credentials, keeps expressions out of run: and declares job permissions", async () => {
    const files: string[] = [];
    for (const folder of folders) {
      for (const name of await readdir(join(repoRoot, folder))) {
        if (/\.ya?ml$/.test(name)) files.push(`${folder}/${name}`);
      }
    }
    assert.ok(files.length >= 4, files.join(", "));
    const problems: string[] = [];
    for (const file of files) {
      for (const problem of workflowProblems(await readFile(join(repoRoot, file), "utf8"))) {
        problems.push(`${file}: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("the README's workflow snippets follow the same rules", async () => {
    const readme = await readFile(join(repoRoot, "README.md"), "utf8");
    const snippets = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
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
    const cases: [string, string, RegExp][] = [
      [
        "a tag",
        job("      - uses: actions/setup-node@v4\n"),
        /actions\/setup-node@v4 is not pinned to a full commit SHA/,
      ],
      [
        "a short SHA",
        job("      - uses: actions/setup-node@3d3c42e\n"),
        /is not pinned to a full commit SHA/,
      ],
      [
        "a SHA without its version",
        job(`      - uses: actions/setup-node@${sha}\n`),
        /has no # vX\.Y\.Z comment/,
      ],
      [
        "checkout keeping the token",
        job(`      - uses: actions/checkout@${sha} # v7.0.1\n`),
        /actions\/checkout without persist-credentials: false/,
      ],
      [
        "an expression in run",
        job(`      - run: echo "\${{ github.event.issue.title }}"\n`),
        /a \$\{\{ \}\} expression inside run:/,
      ],
      ["a job without permissions", job("      - run: echo hi\n", ""), /job build: declares no permissions/],
      [
        "an unpinned reusable workflow",
        "jobs:\n  call:\n    permissions: {}\n    uses: octo/tools/.github/workflows/x.yml@main\n",
        /octo\/tools\/\.github\/workflows\/x\.yml@main is not pinned/,
      ],
      [
        "a docker action by tag",
        job("      - uses: docker://alpine:3\n"),
        /is not pinned to an image digest/,
      ],
    ];
    for (const [what, text, problem] of cases) {
      const found = workflowProblems(text);
      assert.equal(found.length, 1, `${what}: ${found.join(" | ")}`);
      assert.match(found[0] ?? "", problem, what);
    }
    const clean = job(
      `      - uses: actions/checkout@${sha} # v7.0.1\n        with:\n          persist-credentials: false\n      - env:\n          TITLE: \${{ github.event.issue.title }}\n        run: echo "$TITLE"\n      - uses: $/actions/fn-deploy\n`,
    );
    assert.deepEqual(workflowProblems(clean), []);
  });
});
