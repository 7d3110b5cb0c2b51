// R3 concurrency: five workflow runs of the whole pipeline at the same moment, each deploying its own
// function into one application and adding its own route to one API Gateway deployment (same
// deployment name, same path prefix, same gateway). Each run reads the deployment, merges its route
// and writes it back, so without if-match re-reads (412) and create-conflict handling (409) the last
// writer would silently drop the others' routes. Two rounds: one building with docker (the runs
// drift apart by their build times), one deploying a prebuilt image by digest (no build, so the runs
// reach the gateway nearly together).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Job, StepResult } from "../runner/index.ts";
import { printFigure } from "./figures.ts";
import {
  APPLICATION,
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./pipeline-fixture.ts";

const PIPELINES = 5;
const routeOf = (name: string) => `/${name}-route`;

let fx: PipelineFixture;
/** Summed over the rounds that ran; printed even when an assertion failed after the runs ended. */
const figure = { expected: 0, routes: 0, functions: 0, green: 0, conflicts: 0, rounds: [] as string[] };

before(async () => {
  fx = await startPipelineFixture("r3");
});
after(async () => {
  if (figure.rounds.length > 0) {
    printFigure(
      "R3",
      "concurrency",
      `routes ${figure.routes}/${figure.expected} present, functions ${figure.functions}/${figure.expected} present, ` +
        `${figure.green}/${figure.expected} pipelines green; ${figure.rounds.length} rounds of ${PIPELINES} ` +
        `concurrent pipelines on one deployment and one application (${figure.rounds.join("; ")}); ` +
        `${figure.conflicts} write conflicts (412/409) re-read and merged`,
    );
  }
  await fx?.close();
});

type Json = Record<string, unknown>;

/** Runs PIPELINES pipelines at once into deployment `round`, then checks every function and route. */
async function race(round: string, how: string, extra: Record<string, string>): Promise<void> {
  const { state } = fx.oci.stack.oci;
  const names = Array.from({ length: PIPELINES }, (_, i) => `${round}fn${i + 1}`);
  const prefix = `/${round}`;
  const conflictsBefore = conflicts();
  const jobs: Job[] = [];
  try {
    for (let i = 0; i < PIPELINES; i++) jobs.push(await fx.job());
    const started = Date.now();
    const runs: StepResult[] = await Promise.all(
      jobs.map((job, i) => {
        const name = names[i] ?? "";
        const inputs = { deployment: round, "path-prefix": prefix, "route-path": routeOf(name), ...extra };
        return job.run(PIPELINE, { inputs: fx.inputs("secret", name, inputs) });
      }),
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    const application = [...state.fn.applications.values()].find((a) => a.displayName === APPLICATION);
    assert.ok(application, "the application exists");
    const functions = [...state.fn.functions.values()].filter((f) => f.applicationId === application.id);
    const deployments = [...state.apigw.deployments.values()].filter(
      (d) => d.gatewayId === fx.gatewayId && d.displayName === round,
    );
    const routes = deployments.flatMap((d) => (d.specification.routes ?? []) as Json[]);
    const presentFunctions = names.filter((name) => functions.some((f) => f.displayName === name));
    const presentRoutes = names.map(routeOf).filter((path) => routes.some((r) => r.path === path));
    const green = runs.filter((run) => run.exitCode === 0 && run.outputs.passed === "true").length;
    const raced = conflicts() - conflictsBefore;
    figure.expected += PIPELINES;
    figure.routes += presentRoutes.length;
    figure.functions += presentFunctions.length;
    figure.green += green;
    figure.conflicts += raced;
    figure.rounds.push(`${how}: ${seconds} s, ${raced} conflicts`);

    runs.forEach((run, i) => {
      assert.equal(run.exitCode, 0, `pipeline ${names[i]}: ${run.stdout}${run.stderr}`);
      assert.equal(run.outputs.passed, "true", `pipeline ${names[i]}: smoke test`);
      assert.match(run.outputs.url ?? "", new RegExp(`${prefix}${routeOf(names[i] ?? "")}$`));
    });
    assert.equal(
      deployments.length,
      1,
      `one deployment, not one per run: ${deployments.map((d) => d.id).join(", ")}`,
    );
    assert.deepEqual(
      new Set(runs.map((run) => run.outputs["deployment-id"])),
      new Set([deployments[0]?.id]),
      "every run reports that deployment",
    );
    assert.deepEqual(presentRoutes, names.map(routeOf), "routes present");
    assert.deepEqual(presentFunctions, names, "functions present");
    // Each route still calls the function its own run deployed.
    runs.forEach((run, i) => {
      const route = routes.find((r) => r.path === routeOf(names[i] ?? ""));
      assert.equal(
        (route?.backend as Json | undefined)?.functionId,
        run.outputs["function-id"],
        `route of ${names[i]}: ${JSON.stringify(route)}`,
      );
    });
    const posts = await Promise.all(jobs.map((job) => job.runPosts()));
    const failedPosts = posts.flat().filter((p) => p.exitCode !== 0);
    assert.deepEqual(
      failedPosts.map((p) => p.stdout + p.stderr),
      [],
      "post steps clean up",
    );
  } finally {
    for (const job of jobs) await job.dispose();
  }
}

/** Deployment writes the emulator refused because another run got there first: evidence of a race. */
function conflicts(): number {
  return fx.oci.stack.oci.requests.filter(
    (e) => /Deployment$/.test(e.operation ?? "") && (e.status === 412 || e.status === 409),
  ).length;
}

describe("R3: concurrent pipelines sharing one application and one gateway deployment", () => {
  it(`${PIPELINES} pipelines building with docker at once: every function and route present, every run green`, async (t) => {
    if (!(await pipelineComponents(t))) return;
    await race("r3build", "docker build", {});
  });

  it(`${PIPELINES} pipelines deploying one prebuilt image by digest at once: every function and route present`, async (t) => {
    if (!(await pipelineComponents(t))) return;
    await race("r3image", "prebuilt image", { image: await fx.prebuiltImage("r3") });
  });
});
