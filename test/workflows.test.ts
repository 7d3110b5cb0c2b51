// The reusable workflow and the example caller are valid for GitHub's own workflow parser, and their
// wiring matches the actions: every `with:` key is an input of the root action, every workflow_call
// input is used, and the caller passes what the reusable workflow requires.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { loadActionMetadata, repoRoot } from "./runner/index.ts";
import { loadWorkflowParser } from "./runner/workflow-parser-loader.ts";

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

describe("workflows", () => {
  for (const file of [REUSABLE, CALLER]) {
    it(`${file} is valid for GitHub's workflow parser`, async () => {
      assert.deepEqual(await parsedWithGitHubsParser(file), []);
    });
  }

  it("the reusable workflow runs the root action at its own commit, with only inputs the action has, and uses every input", async () => {
    const workflow = await read(REUSABLE);
    const step = workflow.jobs.deploy?.steps?.find((s) => s.uses === "$/");
    assert.ok(step?.with, "a step uses $/ (the root action of this repository at the running commit)");
    const action = await loadActionMetadata("..");
    const actionInputs = new Set(action.inputs.map((input) => input.name));
    assert.deepEqual(
      Object.keys(step.with).filter((key) => !actionInputs.has(key)),
      [],
      "with: keys the root action does not have",
    );
    const text = JSON.stringify(step.with);
    const unused = Object.keys(workflow.on.workflow_call?.inputs ?? {}).filter(
      (name) => !text.includes(`inputs.${name}`),
    );
    assert.deepEqual(unused, [], "workflow_call inputs never passed on");
  });

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

describe("Alibaba FC reusable workflow", () => {
  const FILE = ".github/workflows/alibaba-fc-function.yml";

  it(`${FILE} is valid for GitHub's workflow parser`, async () => {
    assert.deepEqual(await parsedWithGitHubsParser(FILE), []);
  });

  it("runs fc-deploy at its own commit, with only inputs fc-deploy has, and uses every input", async () => {
    const workflow = await read(FILE);
    const step = workflow.jobs.deploy?.steps?.find((s) => s.uses === "$/actions/fc-deploy");
    assert.ok(step?.with, "a step uses $/actions/fc-deploy");
    const action = await loadActionMetadata("fc-deploy");
    const actionInputs = new Set(action.inputs.map((input) => input.name));
    assert.deepEqual(
      Object.keys(step.with).filter((key) => !actionInputs.has(key)),
      [],
      "with: keys fc-deploy does not have",
    );
    const text = JSON.stringify(step.with);
    const unused = Object.keys(workflow.on.workflow_call?.inputs ?? {}).filter(
      (name) => !text.includes(`inputs.${name}`),
    );
    assert.deepEqual(unused, [], "workflow_call inputs never passed on");
    for (const secret of Object.keys(workflow.on.workflow_call?.secrets ?? {})) {
      assert.ok(text.includes(`secrets.${secret}`), `secret ${secret} is passed on`);
    }
  });
});

describe("Cloud Run reusable workflow", () => {
  const FILE = ".github/workflows/cloud-run-function.yml";

  it(`${FILE} is valid for GitHub's workflow parser`, async () => {
    assert.deepEqual(await parsedWithGitHubsParser(FILE), []);
  });

  it("runs cloud-run-deploy, gcp-id-token and smoke-test at its own commit, with inputs they have, using every input", async () => {
    const workflow = await read(FILE);
    const steps = workflow.jobs.deploy?.steps ?? [];
    for (const name of ["cloud-run-deploy", "gcp-id-token", "smoke-test"]) {
      const uses = steps.filter((s) => s.uses === `$/actions/${name}`);
      assert.ok(uses.length > 0, `a step uses $/actions/${name}`);
      const action = await loadActionMetadata(name);
      const actionInputs = new Set(action.inputs.map((input) => input.name));
      for (const step of uses) {
        assert.deepEqual(
          Object.keys(step.with ?? {}).filter((key) => !actionInputs.has(key)),
          [],
          `with: keys ${name} does not have`,
        );
      }
    }
    const text = JSON.stringify(steps);
    const unused = Object.keys(workflow.on.workflow_call?.inputs ?? {}).filter(
      (name) => !text.includes(`inputs.${name}`),
    );
    assert.deepEqual(unused, [], "workflow_call inputs never passed on");
    assert.ok(text.includes("secrets.GCP_CREDENTIALS_JSON"), "the key secret is passed on");
  });
});
