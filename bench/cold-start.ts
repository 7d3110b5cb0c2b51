// P4: what each action costs before it does anything. Bundle size: the entry plus every chunk it
// imports (statically: loaded at start; and all reachable, dynamic imports included). Start-to-first-
// output: spawn to the first byte the process writes (with no inputs, the first line is its input
// error, printed once every static import is evaluated), next to a bundle that only loads @actions/core,
// built in the same run with the same esbuild settings.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const dist = join(root, "dist");
const RUNS = 7;

export interface ColdStartFigures {
  name: string;
  staticBytes: number;
  reachableBytes: number;
  firstOutputMs: number;
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

function firstOutputMs(entry: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [entry], { env, stdio: ["ignore", "pipe", "pipe"] });
    let done = false;
    const first = () => {
      if (done) return;
      done = true;
      resolvePromise(performance.now() - started);
    };
    child.stdout.once("data", first);
    child.stderr.once("data", first);
    child.on("error", reject);
    child.on("close", () => {
      if (!done) reject(new Error(`${entry} printed nothing`));
    });
  });
}

async function medianFirstOutput(entry: string, env: Record<string, string>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await firstOutputMs(entry, env));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** The @actions/core-only reference, built like the actions (esm, node24, minified). */
async function referenceBundle(dir: string): Promise<string> {
  const source = join(dir, "reference.mjs");
  await writeFile(source, 'import * as core from "@actions/core";\ncore.info("ready");\n');
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

export async function measureColdStart(): Promise<ColdStartFigures[]> {
  const temp = await mkdtemp(join(tmpdir(), "fngate-bench-cold-"));
  try {
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: temp, RUNNER_TEMP: temp };
    const reference = await referenceBundle(temp);
    const figures: ColdStartFigures[] = [];
    const files = reference;
    figures.push({
      name: "reference (@actions/core only)",
      staticBytes: bytes(closure(files, false)),
      reachableBytes: bytes(closure(files, true)),
      firstOutputMs: await medianFirstOutput(files, env),
    });
    const names = (await readdir(dist, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && existsSync(join(dist, entry.name, "index.js")))
      .map((entry) => entry.name)
      .filter((name) => name !== "chunks")
      .sort();
    for (const name of names) {
      const entry = join(dist, name, "index.js");
      figures.push({
        name: name === "cli" ? "cli (fngate, no command: usage)" : name,
        staticBytes: bytes(closure(entry, false)),
        reachableBytes: bytes(closure(entry, true)),
        firstOutputMs: await medianFirstOutput(entry, env),
      });
    }
    return figures;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
