// R2 faults: the whole pipeline (the root action) while the OCI emulator and the Entra token endpoint
// fail a seeded share of the calls the way clouds do under load: 429 with Retry-After, 500/502/503, a
// dropped connection, a slow answer. The schedule is drawn per call from a seed (mulberry32), so a
// failing seed can be replayed; which call gets which draw still depends on how many polls a run
// makes. Every run must end green within its deadline. Then the opposite: 400/401/403/404 are not
// transient, so they fail at once: one call, no retry, the cause named, the step over in < 2 s.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { EntraEndpointKind } from "../emulators/entra/faults.ts";
import { countKinds, seededFaults } from "../emulators/faults.ts";
import type { FaultTarget } from "../emulators/oci/faults.ts";
import { assertUserFailure, describeAnnotations } from "../runner/index.ts";
import { printFigure } from "./figures.ts";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  startPipelineFixture,
} from "./pipeline-fixture.ts";

const SEEDS = [11, 23, 37, 41, 53, 67, 79, 97];
const RATE = 0.35;
const DEADLINE_MINUTES = "3";

let fx: PipelineFixture;
const figure = {
  runs: 0,
  successes: 0,
  controlCalls: 0,
  kinds: [] as string[],
  seconds: [] as number[],
  fastFailures: 0,
  fastCases: 0,
};

before(async () => {
  fx = await startPipelineFixture("r2");
});
after(async () => {
  if (figure.runs > 0) {
    const sorted = [...figure.seconds].sort((a, b) => a - b);
    const p50 = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
    const max = sorted.at(-1) ?? 0;
    const counts = countKinds(figure.kinds);
    const byKind = Object.entries(counts)
      .map(([kind, count]) => `${kind}: ${count}`)
      .join(", ");
    const share = figure.controlCalls > 0 ? Math.round((100 * figure.kinds.length) / figure.controlCalls) : 0;
    printFigure(
      "R2",
      "faults",
      `${figure.successes}/${figure.runs} seeded pipeline runs green; ${figure.kinds.length} faults injected ` +
        `(${byKind}) on ${share}% of ${figure.controlCalls} control-plane calls; p50 ${p50.toFixed(1)} s, ` +
        `max ${max.toFixed(1)} s per run; ${figure.fastFailures}/${figure.fastCases} non-transient errors ` +
        `(400/401/403/404) failed at once with one call`,
    );
  }
  await fx?.close();
});

describe("R2: seeded transient faults on >= 30% of control-plane calls", () => {
  it(`${SEEDS.length} seeded pipeline runs all end green within their deadline`, async (t) => {
    if (!(await pipelineComponents(t))) return;
    const { oci } = fx;
    const image = await fx.prebuiltImage("r2");
    const ociEmulator = oci.stack.oci;
    const entra = oci.stack.entra;
    const failures: string[] = [];
    for (const seed of SEEDS) {
      const name = `r2s${seed}`;
      const requestsBefore = ociEmulator.requests.length;
      const entraRequestsBefore = entra.requests.length;
      const ociLogBefore = ociEmulator.faults.log.length;
      const entraLogBefore = entra.faults.log.length;
      const removeOci = ociEmulator.faults.add(
        seededFaults({ seed, rate: RATE }, (call: FaultTarget) => call.plane === "control"),
      );
      const removeEntra = entra.faults.add(
        seededFaults(
          { seed: seed * 7, rate: 0.5, slowMs: [50, 50] },
          (kind: EntraEndpointKind) => kind === "token",
        ),
      );
      const job = await fx.job();
      try {
        const started = Date.now();
        const run = await job.run(PIPELINE, {
          inputs: fx.inputs("secret", name, { image, "deadline-minutes": DEADLINE_MINUTES }),
        });
        const seconds = (Date.now() - started) / 1000;
        const posts = await job.runPosts();
        figure.runs += 1;
        figure.seconds.push(seconds);
        const green =
          run.exitCode === 0 && run.outputs.passed === "true" && posts.every((p) => p.exitCode === 0);
        if (green) figure.successes += 1;
        else {
          const postExits = posts.map(
            (p) => `${p.action} post exit ${p.exitCode}${p.timedOut ? " (timed out)" : ""}`,
          );
          failures.push(
            `seed ${seed}: exit ${run.exitCode}, passed=${run.outputs.passed}, ${postExits.join(", ")}: ${describeAnnotations(run)} ${posts.flatMap((p) => p.annotations.map((a) => a.message)).join(" | ")}`,
          );
        }
        const calls = ociEmulator.requests.slice(requestsBefore).filter((r) => r.operation !== undefined);
        figure.controlCalls += calls.filter((r) => !/^Invoke|Gateway/.test(r.operation ?? "")).length;
        figure.controlCalls += entra.requests
          .slice(entraRequestsBefore)
          .filter((r) => r.path.endsWith("/oauth2/v2.0/token")).length;
        const injected = [
          ...ociEmulator.faults.log.slice(ociLogBefore),
          ...entra.faults.log.slice(entraLogBefore),
        ];
        figure.kinds.push(...injected);
      } finally {
        removeOci();
        removeEntra();
        await job.dispose();
      }
    }
    assert.deepEqual(failures, [], "every seeded run ends green");
    const share = figure.kinds.length / figure.controlCalls;
    assert.ok(share >= 0.3, `faults on ${(share * 100).toFixed(0)}% of control-plane calls (need >= 30%)`);
    for (const kind of ["429", "500", "502", "503", "reset", "slow"] as const) {
      assert.ok(figure.kinds.includes(kind), `no ${kind} was injected`);
    }
  });
});

describe("R2: 400/401/403/404 fail at once, with one call and the cause named", () => {
  const cases = [
    { status: 400, code: "InvalidParameter", operation: "CreateDeployment", says: /400 InvalidParameter/ },
    { status: 401, code: "NotAuthenticated", operation: "ListDeployments", says: /401 NotAuthenticated/ },
    { status: 403, code: "NotAuthorized", operation: "ListDeployments", says: /403 NotAuthorized/ },
    {
      status: 404,
      code: "NotAuthorizedOrNotFound",
      operation: "ListDeployments",
      says: /404 NotAuthorizedOrNotFound/,
    },
  ] as const;
  for (const fault of cases) {
    it(`${fault.status} ${fault.code} on ${fault.operation}: one call, no retry, < 2 s, named`, async () => {
      figure.fastCases += 1;
      const ociEmulator = fx.oci.stack.oci;
      const { state } = ociEmulator;
      const application = [...state.fn.applications.values()][0];
      assert.ok(application);
      const fnId = state.fn.createFunction({
        applicationId: application.id,
        displayName: `ff${fault.status}`,
        image: "ocir.us-phoenix-1.oci.oraclecloud.com/ns/any:1",
        memoryInMBs: 256,
      }).id;
      const job = await fx.job();
      try {
        const requestsBefore = ociEmulator.requests.length;
        ociEmulator.faults.next(
          1,
          { status: fault.status, code: fault.code, message: `injected ${fault.status}` },
          { operations: [fault.operation] },
        );
        const run = await job.run(PIPELINE, {
          inputs: fx.inputs("secret", `ff${fault.status}`, {
            skip: "ocir-login,fn-deploy,entra-token,smoke-test",
            "function-id": fnId,
          }),
        });
        const ended = Date.now();
        assertUserFailure(run, fault.says, fx.secrets);
        const calls = ociEmulator.requests
          .slice(requestsBefore)
          .filter((r) => r.operation === fault.operation);
        const faulted = calls.filter((r) => r.status === fault.status);
        assert.equal(faulted.length, 1, "exactly one call answered with the error");
        assert.equal(calls.length, 1, `no retry of ${fault.operation}`);
        const afterFault = ended - Date.parse(faulted[0]?.time ?? "");
        assert.ok(afterFault < 2000, `the step ended ${afterFault} ms after the error`);
        await job.runPosts();
        figure.fastFailures += 1;
      } finally {
        ociEmulator.faults.clear();
        await job.dispose();
      }
    });
  }
});
