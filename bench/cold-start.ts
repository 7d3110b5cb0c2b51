// P4: what each action costs before it does anything. For every action (and `fngate <command>`) with
// no inputs: the wall time until the process exits on its missing required input, and its peak RSS,
// each against a bundle that only loads @actions/core and fails the same way, built in the same run with
// the same esbuild settings and run interleaved with it (median of RUNS pairs, so machine drift hits
// both sides). Also the bundle sizes: the entry plus the chunks it imports at start, and with every
// dynamic import.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const dist = join(root, "dist");
const RUNS = 21;

export interface ColdStartFigures {
  name: string;
  staticBytes: number;
  reachableBytes: number;
  /** Median wall time from spawn to exit on a missing required input. */
  exitMs: number;
  /** Median peak resident set size, bytes. */
  peakRss: number;
  /** The reference's medians from the same interleaved runs. */
  reference: { exitMs: number; peakRss: number };
}

/** Relative imports of an ESM bundle: `from"./x.js"`, `import"./x.js"`, and dynamic `import("./x.js")`. */
function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const text = readFileSync(file, "utf8");
  const resolveAll = (pattern: RegExp) =>
    [...text.matchAll(pattern)].map((m) => resolve(dirname(file), m[1] ?? "")).filter((p) => existsSync(p));
  return {
    static: resolveAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.js)"/g),
    dynamic: resolveAll(/import\(\s*"(\.{1,2}\/[^"]+\.js)"\s*\)/g),
  };
}

function closure(entry: string, withDynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const found = importsOf(file);
    for (const next of [...found.static, ...(withDynamic ? found.dynamic : [])]) visit(next);
  };
  visit(entry);
  return seen;
}

const bytes = (files: Set<string>) => [...files].reduce((sum, file) => sum + statSync(file).size, 0);

/** Preloaded into every measured process: writes its peak RSS where FNGATE_BENCH_RSS names. */
const RSS_PRELOAD = `import { writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(process.env.FNGATE_BENCH_RSS, String(process.resourceUsage().maxRSS * 1024)));
`;

interface Sample {
  exitMs: number;
  peakRss: number;
}

async function runOnce(
  args: string[],
  env: Record<string, string>,
  preload: string,
  rssFile: string,
): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", preload, ...args], {
    env: { ...env, FNGATE_BENCH_RSS: rssFile },
    stdio: ["ignore", "ignore", "ignore"],
  });
  const code = await new Promise<number | null>((done, fail) => {
    child.on("error", fail);
    child.on("close", done);
  });
  const exitMs = performance.now() - started;
  if (code === 0) throw new Error(`${args.join(" ")} exited 0 without its required inputs`);
  return { exitMs, peakRss: Number(await readFile(rssFile, "utf8")) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The @actions/core-only reference, built like the actions (esm, node24, minified): one required input. */
async function referenceBundle(dir: string): Promise<string> {
  const source = join(dir, "reference.mjs");
  await writeFile(
    source,
    'import * as core from "@actions/core";\ntry { core.getInput("name", { required: true }); } catch (error) { core.setFailed(error.message); }\n',
  );
  const outfile = join(dir, "reference-bundle.mjs");
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    minify: true,
    nodePaths: [join(root, "node_modules")],
    logLevel: "warning",
    banner: {
      js: 'import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);',
    },
  });
  return outfile;
}

/** What is measured: every action's bundle, and `fngate <command>` for every command with inputs. */
async function subjects(): Promise<{ name: string; entry: string; args: string[] }[]> {
  const names = (await readdir(dist, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && existsSync(join(dist, entry.name, "index.js")))
    .map((entry) => entry.name)
    .filter((name) => name !== "chunks" && name !== "cli")
    .sort();
  const cli = join(dist, "cli", "index.js");
  return [
    ...names.map((name) => ({
      name,
      entry: join(dist, name, "index.js"),
      args: [join(dist, name, "index.js")],
    })),
    ...["fn-deploy", "entra-token", "cloud-run-deploy", "fc-deploy"].map((command) => ({
      name: `cli ${command}`,
      entry: cli,
      args: [cli, command],
    })),
  ];
}

export async function measureColdStart(): Promise<ColdStartFigures[]> {
  const temp = await mkdtemp(join(tmpdir(), "fngate-bench-cold-"));
  try {
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: temp, RUNNER_TEMP: temp };
    const preload = join(temp, "rss.mjs");
    await writeFile(preload, RSS_PRELOAD);
    const rssFile = join(temp, "rss");
    const reference = await referenceBundle(temp);
    const figures: ColdStartFigures[] = [];
    for (const subject of await subjects()) {
      const mine: Sample[] = [];
      const theirs: Sample[] = [];
      for (let i = 0; i < RUNS; i++) {
        theirs.push(await runOnce([reference], env, preload, rssFile));
        mine.push(await runOnce(subject.args, env, preload, rssFile));
      }
      figures.push({
        name: subject.name,
        staticBytes: bytes(closure(subject.entry, false)),
        reachableBytes: bytes(closure(subject.entry, true)),
        exitMs: median(mine.map((s) => s.exitMs)),
        peakRss: median(mine.map((s) => s.peakRss)),
        reference: {
          exitMs: median(theirs.map((s) => s.exitMs)),
          peakRss: median(theirs.map((s) => s.peakRss)),
        },
      });
    }
    return figures;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
