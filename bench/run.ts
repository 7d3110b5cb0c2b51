// npm run bench: every performance figure of issue 9 in one table (Markdown, so the README can quote
// it). Needs the built dist/ (npm run build), the Docker engine and the docker-registry package.
// Not part of npm test: it takes a few minutes and measures, rather than asserts.
import {
  type CloudRunLatencies,
  cloudRunCriticalPathMs,
  cloudRunInjectedMs,
  measureCloudRunOverhead,
} from "./cloud-run-overhead.ts";
import { type ColdStartFigures, measureColdStart } from "./cold-start.ts";
import { measureOverhead, type OverheadFigures } from "./pipeline-overhead.ts";
import { measureScale } from "./scale.ts";
import { criticalPathMs, injectedMs, type Latencies } from "./world.ts";

/** Two cloud speeds: a quick one, and roughly what OCI takes (function ACTIVE and gateway work requests in tens of seconds). */
const SETTINGS: Latencies[] = [
  { functionActiveMs: 10_000, workRequestMs: 10_000, propagationMs: 5_000 },
  { functionActiveMs: 30_000, workRequestMs: 30_000, propagationMs: 10_000 },
];
/**
 * Two Cloud Run speeds with the OCI P1's critical paths (15 s and 40 s): a revision that is ready in
 * 15 s (a small image) and one that takes 40 s, each beside an ID token that takes two thirds or half
 * as long (fetched one after the other they would take 1.67x and 1.5x the critical path).
 */
const CLOUD_RUN_SETTINGS: CloudRunLatencies[] = [
  { operationMs: 15_000, idTokenMs: 10_000 },
  { operationMs: 40_000, idTokenMs: 20_000 },
];
const MB = 1024 * 1024;
const SIZE_GOAL = 1.5 * MB;

type Row = [id: string, measure: string, value: string, goal: string, holds: string];
const rows: Row[] = [];
const verdict = (ok: boolean) => (ok ? "yes" : "NO");
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function overheadRows(figures: OverheadFigures): void {
  const { latencies: l } = figures;
  const injected = `critical path ${seconds(criticalPathMs(l))} (max of function ${seconds(l.functionActiveMs)} and work request ${seconds(l.workRequestMs)}, then propagation ${seconds(l.propagationMs)}; their sum ${seconds(injectedMs(l))})`;
  rows.push([
    "P1",
    `pipeline wall time / ${injected}`,
    `${seconds(figures.wallMs)} / ${seconds(criticalPathMs(l))} = ${figures.ratio.toFixed(3)}`,
    "<= 1.10",
    verdict(figures.ratio <= 1.1),
  ]);
  rows.push([
    "P1",
    "calls per wait (GetFunction incl. 1 read, GetWorkRequest, smoke attempts)",
    `${figures.functionPolls}, ${figures.workRequestPolls}, ${figures.smokeAttempts}`,
    "-",
    "-",
  ]);
  if (figures.noop) {
    rows.push([
      "P2",
      "no-op re-run: mutating calls",
      String(figures.noop.mutatingCalls),
      "0",
      verdict(figures.noop.mutatingCalls === 0),
    ]);
    rows.push([
      "P2",
      `no-op re-run: wall time (changed=${figures.noop.changed})`,
      seconds(figures.noop.wallMs),
      "<= 2 s",
      verdict(figures.noop.wallMs <= 2000),
    ]);
  }
  if (figures.fresh) {
    const f = figures.fresh;
    const measure = (what: string) => `fresh runner (new HOME, no local image), unchanged source: ${what}`;
    rows.push(["P2b", measure("docker builds"), String(f.builds), "0", verdict(f.builds === 0)]);
    rows.push(["P2b", measure("docker pushes"), String(f.pushes), "0", verdict(f.pushes === 0)]);
    rows.push([
      "P2b",
      measure("mutating calls"),
      String(f.mutatingCalls),
      "0",
      verdict(f.mutatingCalls === 0),
    ]);
    rows.push([
      "P2b",
      measure(`wall time (changed=${f.changed})`),
      seconds(f.wallMs),
      "<= 2 s",
      verdict(f.wallMs <= 2000),
    ]);
  }
}

function coldStartRows(figures: ColdStartFigures[]): void {
  const MBs = (n: number) => `${(n / MB).toFixed(1)} MB`;
  for (const f of figures) {
    const exitRatio = f.exitMs / f.reference.exitMs;
    const rssRatio = f.peakRss / f.reference.peakRss;
    rows.push([
      "P4",
      `${f.name}: exit on a missing input / @actions/core-only reference`,
      `${f.exitMs.toFixed(0)} ms / ${f.reference.exitMs.toFixed(0)} ms = ${exitRatio.toFixed(2)}`,
      "<= 1.20",
      verdict(exitRatio <= 1.2),
    ]);
    rows.push([
      "P4",
      `${f.name}: peak RSS / reference`,
      `${MBs(f.peakRss)} / ${MBs(f.reference.peakRss)} = ${rssRatio.toFixed(2)}`,
      "<= 1.20",
      verdict(rssRatio <= 1.2),
    ]);
    // What loads before the inputs are checked; the cloud SDKs come in chunks loaded on use.
    rows.push([
      "P4",
      `${f.name}: bundle loaded at start (with every chunk it may load)`,
      `${(f.staticBytes / MB).toFixed(2)} MB (${(f.reachableBytes / MB).toFixed(2)} MB)`,
      "<= 1.5 MB at start",
      verdict(f.staticBytes <= SIZE_GOAL),
    ]);
  }
}

function printTable(): void {
  const header: Row = ["id", "measure", "value", "goal", "holds"];
  const lines = [header, ["---", "---", "---", "---", "---"] as Row, ...rows].map(
    (row) => `| ${row.join(" | ")} |`,
  );
  console.log(lines.join("\n"));
}

const started = performance.now();
// `npm run bench -- P4` (or P1, P5): only those figures.
const only = new Set(process.argv.slice(2));
const wanted = (id: string) => only.size === 0 || only.has(id);
if (wanted("P4")) {
  console.error("P4: cold start, peak memory and bundle sizes ...");
  coldStartRows(await measureColdStart());
}
for (const [index, latencies] of wanted("P1") ? SETTINGS.entries() : []) {
  console.error(
    `P1${index === 0 ? "+P2+P2b" : ""}: pipeline at ${seconds(injectedMs(latencies))} of injected latency ...`,
  );
  overheadRows(await measureOverhead(latencies, { warmUp: index === 0, noop: index === 0 }));
}
for (const latencies of wanted("P1-CR") ? CLOUD_RUN_SETTINGS : []) {
  console.error(
    `P1-CR: cloud-run-pipeline at ${seconds(cloudRunInjectedMs(latencies))} of injected latency ...`,
  );
  const figures = await measureCloudRunOverhead(latencies);
  const path = cloudRunCriticalPathMs(latencies);
  rows.push([
    "P1-CR",
    `cloud-run-pipeline wall time / critical path ${seconds(path)} (the max of operation ${seconds(latencies.operationMs)} and ID token ${seconds(latencies.idTokenMs)}, fetched side by side; their sum ${seconds(cloudRunInjectedMs(latencies))})`,
    `${seconds(figures.wallMs)} / ${seconds(path)} = ${figures.ratio.toFixed(3)}`,
    "<= 1.10",
    verdict(figures.ratio <= 1.1),
  ]);
  rows.push([
    "P1-CR",
    "operation polls; stages (start to end)",
    `${figures.operationPolls}; ${figures.timeline.join("; ")}`,
    "-",
    "-",
  ]);
}
if (wanted("P5")) {
  console.error("P5: 50 routes; 20 concurrent deployments under 429s ...");
  const scale = await measureScale();
  rows.push([
    "P5",
    `one deployment with ${scale.routes.count} function routes: wall time, OCI calls`,
    `${seconds(scale.routes.wallMs)}, ${scale.routes.calls} calls`,
    "-",
    "-",
  ]);
  rows.push([
    "P5",
    `the same again: mutating calls, wall time`,
    `${scale.routes.rerunMutating}, ${seconds(scale.routes.rerunMs)}`,
    "0",
    verdict(scale.routes.rerunMutating === 0),
  ]);
  const c = scale.concurrent;
  rows.push([
    "P5",
    `${c.functions} concurrent fn-deploy, every 3rd control call answered 429`,
    `${c.succeeded}/${c.functions} succeeded, ${c.calls} calls (${c.injected429} were 429), ${seconds(c.wallMs)} wall, slowest ${seconds(c.slowestMs)}`,
    "all succeed",
    verdict(c.succeeded === c.functions),
  ]);
}
printTable();
console.error(
  `bench finished in ${seconds(performance.now() - started)} (node ${process.version}, ${process.platform}/${process.arch})`,
);
process.exit(0);
