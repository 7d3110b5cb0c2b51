// The CLI claims Node.js 22 or newer (package.json engines); the actions run on the runner's Node 24,
// which the rest of the suite uses. This runs the built CLI under Node 22 (the npm `node` package, as
// the devDependency node22) for --help and one real command, so the lower bound is tested, not hoped.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "./runner/index.ts";
import { CLI_ENTRY } from "./support/cli-process.ts";
import { runExecutable, smokeTestAgainstGuardedApi } from "./support/installed-cli.ts";

const NODE_22 = join(repoRoot, "node_modules", "node22", "bin", "node");
let root: string;
let env: Record<string, string>;

before(async () => {
  root = await mkdtemp(join(tmpdir(), "fngate-node22-"));
  env = { PATH: `${dirname(NODE_22)}:/usr/bin:/bin`, HOME: root };
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("fngate on Node 22", () => {
  it("the node22 devDependency is Node 22, and node_modules/.bin/node stays Node 24 for everything else", () => {
    assert.match(execFileSync(NODE_22, ["--version"], { encoding: "utf8" }), /^v22\./);
    // Both packages ship a `node` bin; npm links the first by path (node before node22) on `npm ci`.
    const linked = execFileSync(join(repoRoot, "node_modules", ".bin", "node"), ["--version"], {
      encoding: "utf8",
    });
    assert.match(linked, /^v24\./, "node_modules/.bin/node must be Node 24: run npm ci");
  });

  it("--help and --version", async () => {
    const help = await runExecutable(NODE_22, [CLI_ENTRY, "--help"], env);
    assert.equal(help.exitCode, 0, help.stderr);
    assert.match(help.stdout, /^Usage: fngate <command>/m);
    assert.equal(help.stderr, "");
    const smokeHelp = await runExecutable(NODE_22, [CLI_ENTRY, "smoke-test", "--help"], env);
    assert.equal(smokeHelp.exitCode, 0, smokeHelp.stderr);
    assert.match(smokeHelp.stdout, /^Usage: fngate smoke-test --url <value>/m);
  });

  it("runs a real command: smoke-test against a token-checking HTTPS API", async () => {
    const run = await smokeTestAgainstGuardedApi(
      (args, runEnv) => runExecutable(NODE_22, [CLI_ENTRY, ...args], runEnv),
      root,
      env,
    );
    assert.equal(run.exitCode, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { ok: boolean; outputs: Record<string, string> };
    assert.equal(result.ok, true);
    assert.equal(result.outputs.passed, "true");
    assert.ok(run.requests >= 2, "the API was called with the token and without it");
    assert.doesNotMatch(run.stderr, /ExperimentalWarning|DeprecationWarning|SyntaxError/);
  });
});
