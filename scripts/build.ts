// One esbuild pass over every action's entries, so all actions share one copy of their dependencies
// (the OCI SDK is the bulk of every bundle): dist/<action>/index.js (+ post.js) and dist/chunks/.
// `--check` builds into a temporary folder and fails when the committed dist/ differs.
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile, type Plugin } from "esbuild";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

interface ActionRuns {
  runs?: { main?: string; post?: string };
}

async function entryPoints(): Promise<{ in: string; out: string }[]> {
  const entries: { in: string; out: string }[] = [];
  // The root action.yml is the whole pipeline (src/github/pipeline); every other action is actions/<name>.
  const actions = (await readdir(join(root, "actions")))
    .sort()
    .map((name) => ({ name, dir: join(root, "actions", name) }));
  if (existsSync(join(root, "action.yml"))) actions.push({ name: "pipeline", dir: root });
  for (const { name, dir } of actions) {
    const metadata = parse(await readFile(join(dir, "action.yml"), "utf8")) as ActionRuns;
    for (const [kind, target] of [
      ["main", metadata.runs?.main],
      ["post", metadata.runs?.post],
    ] as const) {
      if (!target) continue;
      const source = join(root, "src", "github", name, `${kind}.ts`);
      if (!existsSync(source))
        throw new Error(`actions/${name}: runs.${kind} needs ${relative(root, source)}`);
      const out = relative(join(root, "dist"), resolve(dir, target)).replace(/\.js$/, "");
      entries.push({ in: source, out });
    }
  }
  // The command line (package.json "bin"): the same steps, so it shares the actions' chunks.
  entries.push({ in: join(root, "src", "cli", "main.ts"), out: "cli/index" });
  return entries;
}

/**
 * google-gax loads @grpc/grpc-js even on the REST transport cloud-run-deploy uses, and grpc-js's index
 * loads its server (~45 KB) that no client ever starts; only index.js reaches those two files, and it
 * reads their exports lazily, so they are left out. The Cloud Run tests run the bundle that results.
 */
const withoutGrpcServer: Plugin = {
  name: "without-grpc-server",
  setup(pluginBuild) {
    pluginBuild.onLoad(
      { filter: /@grpc[\\/]grpc-js[\\/]build[\\/]src[\\/]server(-interceptors)?\.js$/ },
      () => ({
        contents: '"use strict"; // left out of fngate bundles: a gRPC server is never started',
        loader: "js",
      }),
    );
  },
};

async function bundle(outdir: string): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: await entryPoints(),
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    minify: true,
    chunkNames: "chunks/[name]-[hash]",
    legalComments: "none",
    alias: {
      "isomorphic-fetch": "./scripts/shims/global-fetch.cjs",
      "node-fetch": "./scripts/shims/global-fetch.cjs",
      // No undici at all: @actions/http-client imports it only for a ProxyAgent no fngate code uses,
      // and the proxy comes from Node's own support (src/http/runner-proxy.ts); ~0.7 MB per bundle.
      undici: "./scripts/shims/undici-not-bundled.cjs",
      // The Alibaba SDKs' HTTP client, made to use Node's global agents, which carry the proxy.
      httpx: "./scripts/shims/httpx-global-agent.cjs",
    },
    plugins: [withoutGrpcServer],
    metafile: true,
    logLevel: "warning",
    // Bundled CommonJS code (the OCI SDK) calls require() for Node's built-in modules.
    banner: {
      js: 'import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);',
    },
  });
  await writeFile(join(outdir, "licenses.txt"), await licenses(result.metafile));
}

/** Every bundled package with its license text, as the licenses of what we redistribute require. */
async function licenses(metafile: Metafile): Promise<string> {
  const packages = new Map<string, string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1]) packages.set(match[1], match[1]);
  }
  const sections: string[] = [];
  for (const dir of [...packages.keys()].sort()) {
    const manifest = JSON.parse(await readFile(join(root, dir, "package.json"), "utf8")) as {
      name: string;
      version: string;
      license?: string;
    };
    const files = (await readdir(join(root, dir)))
      .filter((f) => /^(licen[cs]e|copying|notice)/i.test(f))
      .sort();
    const texts = await Promise.all(files.map((f) => readFile(join(root, dir, f), "utf8")));
    sections.push(
      [
        `${manifest.name}@${manifest.version}`,
        `License: ${manifest.license ?? "see text"}`,
        ...texts.map((t) => t.replace(/\r\n?/g, "\n").trim()),
      ].join("\n\n"),
    );
  }
  return `${sections.join("\n\n-----\n\n")}\n`;
}

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  return found
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

if (check) {
  const temp = await mkdtemp(join(tmpdir(), "fngate-dist-"));
  try {
    const fresh = join(temp, "dist");
    await bundle(fresh);
    const committed = join(root, "dist");
    const names = new Set([...(await listFiles(fresh)), ...(await listFiles(committed))]);
    const stale: string[] = [];
    for (const name of [...names].sort()) {
      const a = existsSync(join(fresh, name)) ? await readFile(join(fresh, name)) : undefined;
      const b = existsSync(join(committed, name)) ? await readFile(join(committed, name)) : undefined;
      if (!a) stale.push(`${name}: not produced by the build (remove it)`);
      else if (!b) stale.push(`${name}: missing from dist/`);
      else if (!a.equals(b)) stale.push(`${name}: differs`);
    }
    if (stale.length > 0) {
      console.error(`dist/ is stale; run "npm run build" and commit dist/:\n  ${stale.join("\n  ")}`);
      process.exitCode = 1;
    } else {
      console.log(`dist/ is up to date (${names.size} files).`);
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
} else {
  // Built aside, then copied over dist/ and stale files removed: a test running meanwhile never finds
  // dist/ missing, only old or new files.
  const temp = await mkdtemp(join(tmpdir(), "fngate-dist-"));
  try {
    const fresh = join(temp, "dist");
    await bundle(fresh);
    const dist = join(root, "dist");
    const files = await listFiles(fresh);
    for (const name of files) {
      await mkdir(dirname(join(dist, name)), { recursive: true });
      await copyFile(join(fresh, name), join(dist, name));
    }
    const keep = new Set(files);
    for (const name of await listFiles(dist)) if (!keep.has(name)) await rm(join(dist, name));
    console.log(`built ${files.length} files into dist/`);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
