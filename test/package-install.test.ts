// The npm package as a user gets it: `npm pack` holds what a user needs and nothing of the development
// tree, `npm install <tarball>` into an empty folder needs nothing else (dist/ is self-contained, so the
// package has no dependencies and installs offline), and the installed `fngate` answers --help,
// --version and runs a real command on Node.js 22, the lowest package.json's engines claims (the npm
// `node` package, as the devDependency node22), so the lower bound is tested, not hoped; the rest of the
// suite runs on Node 24, the actions' runtime.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestCa } from "./emulators/tls/test-ca.ts";
import { repoRoot } from "./runner/index.ts";
import { runExecutable } from "./support/cli-process.ts";
import { startGuardedApi } from "./support/guarded-api.ts";

/** What a user of the actions or the CLI needs; everything else stays out of the package. */
const SHIPPED = [
  /^dist\//,
  /^actions\/[a-z-]+\/action\.yml$/,
  /^action\.yml$/,
  /^package\.json$/,
  /^(README|CHANGELOG|SECURITY)\.md$/,
  /^LICENSE$/,
];

const manifest: Record<string, unknown> = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
let root: string;
let tarball: string;
let packed: string[];
let fngate: string;
const NODE_22 = join(repoRoot, "node_modules", "node22", "bin", "node");
/** Node 22 first on PATH: the installed bin's `#!/usr/bin/env node` runs on it. */
let env: Record<string, string>;

before(async () => {
  root = await mkdtemp(join(tmpdir(), "fngate-package-"));
  const packDir = join(root, "pack");
  await mkdir(packDir);
  const [info] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], {
      cwd: repoRoot,
      encoding: "utf8",
    }),
  ) as { filename: string; files: { path: string }[] }[];
  assert.ok(info);
  tarball = join(packDir, info.filename);
  packed = info.files.map((file) => file.path).sort();
  const app = join(root, "app");
  await mkdir(app);
  const home = join(root, "home");
  env = { PATH: `${dirname(NODE_22)}:/usr/bin:/bin`, HOME: home };
  // --offline: the package must install from the tarball alone, with no registry to fall back on.
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], {
    cwd: app,
    env: {
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: home,
      npm_config_cache: join(root, "npm-cache"),
    },
    stdio: "pipe",
  });
  fngate = join(app, "node_modules", ".bin", "fngate");
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("packs dist/, the action metadata and the documents a user reads, and nothing of the development tree", () => {
    assert.deepEqual(
      packed.filter((path) => !SHIPPED.some((pattern) => pattern.test(path))),
      [],
      "files that are not for users",
    );
    for (const needed of [
      "dist/cli/index.js",
      "dist/licenses.txt",
      "action.yml",
      "actions/fn-deploy/action.yml",
      "LICENSE",
      "README.md",
      "CHANGELOG.md",
      "SECURITY.md",
    ])
      assert.ok(packed.includes(needed), `${needed} is in the package`);
  });

  it("installs from the tarball alone: no dependency comes with it", async () => {
    const installed = (await readdir(join(root, "app", "node_modules"))).filter(
      (name) => !name.startsWith("."),
    );
    assert.deepEqual(installed, ["fngate"]);
    assert.equal(manifest.private, undefined, "publishable");
    assert.equal(manifest.dependencies, undefined, "dist/ bundles everything it runs");
    assert.deepEqual(manifest.engines, { node: ">=22" });
  });

  it("every bundle imports only Node's own modules: nothing to install at run time", async () => {
    const builtins = new Set(builtinModules);
    const bare: string[] = [];
    const files = (await readdir(join(repoRoot, "dist"), { recursive: true })).filter((file) =>
      file.endsWith(".js"),
    );
    assert.ok(files.length > 10);
    for (const file of files) {
      const code = await readFile(join(repoRoot, "dist", file), "utf8");
      for (const [, specifier] of code.matchAll(
        /(?:\bfrom ?|\bimport\( ?|\brequire\( ?)"((?:@[\w.-]+\/)?[\w.-]+(?:\/[\w./-]+)?)"/g,
      )) {
        if (!specifier || specifier.startsWith(".") || specifier.startsWith("node:")) continue;
        if (!builtins.has(specifier)) bare.push(`${file}: ${specifier}`);
      }
    }
    // es6-promise (inside the OCI SDK) probes for the vert.x runtime inside a try/catch; nothing else.
    assert.deepEqual(
      bare.filter((entry) => !entry.endsWith(": vertx")),
      [],
    );
  });

  it("the node22 devDependency is Node 22, and node_modules/.bin/node stays Node 24 for everything else", () => {
    assert.match(execFileSync(NODE_22, ["--version"], { encoding: "utf8" }), /^v22\./);
    // What the installed bin's `#!/usr/bin/env node` finds on the PATH the tests run it with.
    assert.match(execFileSync("/usr/bin/env", ["node", "--version"], { encoding: "utf8", env }), /^v22\./);
    // Both packages ship a `node` bin; npm links the first by path (node before node22) on `npm ci`.
    const linked = execFileSync(join(repoRoot, "node_modules", ".bin", "node"), ["--version"], {
      encoding: "utf8",
    });
    assert.match(linked, /^v24\./, "node_modules/.bin/node must be Node 24: run npm ci");
  });

  it("the installed fngate answers --help and --version on Node 22", async () => {
    const help = await runExecutable(fngate, ["--help"], env);
    assert.equal(help.exitCode, 0, help.stderr);
    assert.match(help.stdout, /^Usage: fngate <command>/m);
    assert.equal(help.stderr, "");
    const smokeHelp = await runExecutable(fngate, ["smoke-test", "--help"], env);
    assert.equal(smokeHelp.exitCode, 0, smokeHelp.stderr);
    assert.match(smokeHelp.stdout, /^Usage: fngate smoke-test --url <value>/m);
    const version = await runExecutable(fngate, ["--version"], env);
    assert.equal(version.stdout, `${manifest.version}\n`);
  });

  it("the installed fngate runs a real command on Node 22: smoke-test against a token-checking HTTPS API", async () => {
    // `fngate smoke-test --url <guarded API> --token-file <token> --json`, trusting a fresh CA through
    // NODE_EXTRA_CA_CERTS; every file it makes lives under `work`.
    const work = join(root, "smoke");
    await mkdir(join(work, "home"), { recursive: true, mode: 0o700 });
    const tls = await createTestCa(join(work, "tls"));
    const api = await startGuardedApi(tls);
    try {
      await writeFile(join(work, "token"), await api.token(), { mode: 0o600 });
      const args = ["smoke-test", "--url", api.url, "--token-file", join(work, "token"), "--json"];
      const runEnv = { ...env, HOME: join(work, "home"), TMPDIR: work, NODE_EXTRA_CA_CERTS: tls.caFile };
      const run = await runExecutable(fngate, args, runEnv);
      assert.equal(run.exitCode, 0, run.stderr);
      const result = JSON.parse(run.stdout) as { ok: boolean; outputs: Record<string, string> };
      assert.equal(result.ok, true);
      assert.equal(result.outputs.passed, "true");
      assert.ok(api.requests.length >= 2, "the API was called with the token and without it");
      assert.doesNotMatch(run.stderr, /ExperimentalWarning|DeprecationWarning|SyntaxError/);
    } finally {
      await api.close();
    }
  });
});
