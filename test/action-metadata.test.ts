// Every action.yml is valid for GitHub (its own parser and schema), runs on node24 from the committed
// dist/ bundle, documents every input and output in descriptions that read whole (an unquoted ` #` in a
// plain scalar starts a YAML comment and silently cuts the sentence; a description that does not end
// like a sentence was cut some other way), has every input that speaks of a secret declared secret or
// not in src/inputs/secret-inputs.ts, and is what the README reference and the root action are generated
// from (run `npm run docs` when those fail).
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { isMap, isScalar, type Node, parseDocument, Scalar } from "yaml";
import { renderReference, replaceReference } from "../scripts/action-reference.ts";
import { renderPipelineAction } from "../scripts/pipeline-action.ts";
import { PIPELINE_RENAMES, STAGES } from "../src/inputs/pipeline-stages.ts";
import { notSecretInputs, SECRET_INPUTS, secretInputs } from "../src/inputs/secret-inputs.ts";
import { type ActionInput, defaultActionsDir, loadActionMetadata, repoRoot } from "./runner/index.ts";

const actionNames = readdirSync(defaultActionsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const kebabCase = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Only a guard: the declaration decides what is secret. An input whose name or description speaks of a
 * secret must be on one of its action's lists, so a new one cannot slip in unmarked.
 */
const speaksOfASecret = /\b(secrets?|keys?|tokens?|passwords?|passphrases?|credentials?)\b/i;

function unmarked(action: string, inputs: readonly Pick<ActionInput, "name" | "description">[]): string[] {
  const [secret, notSecret] = [secretInputs(action), notSecretInputs(action)];
  return inputs
    .filter((input) => speaksOfASecret.test(`${input.name} ${input.description}`))
    .map((input) => input.name)
    .filter((name) => !secret.has(name) && !notSecret.has(name));
}

/** Names the marks of `action` give that are not its inputs (a renamed or removed input). */
function strayMarks(action: string, inputs: readonly Pick<ActionInput, "name">[]): string[] {
  const names = new Set(inputs.map((input) => input.name));
  return [...secretInputs(action), ...notSecretInputs(action)].filter((name) => !names.has(name));
}

/** What is wrong with one description node, as `where: problem` lines. */
function descriptionProblems(where: string, node: unknown, source: string): string[] {
  if (!isScalar(node)) return [`${where}: no description`];
  const problems: string[] = [];
  const [start, valueEnd, nodeEnd] = (node as Scalar).range ?? [0, 0, 0];
  const trailing = source.slice(valueEnd, nodeEnd);
  if (node.type === Scalar.PLAIN && (node.comment !== undefined || trailing.includes("#"))) {
    const cut = source.slice(start, nodeEnd).replace(/\s+/g, " ").trim();
    problems.push(
      `${where}: cut by a YAML comment: "${cut}" reads as "${String(node.value)}"; quote the description or use >-`,
    );
  }
  const text = String(node.value).trim();
  // Closing brackets, quotes and backticks may follow the final stop: "... (default 60)." or "(… .)".
  if (!/[.!?]$/.test(text.replace(/[)\]"'`]+$/, "")))
    problems.push(`${where}: ends mid-sentence ("…${text.slice(-40)}"); end it with a full stop`);
  return problems;
}

function fileProblems(file: string, source: string): string[] {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) return doc.errors.map((error) => `${file}: ${error.message}`);
  const problems = descriptionProblems(`${file} description`, doc.get("description", true), source);
  for (const section of ["inputs", "outputs"]) {
    const entries = doc.get(section, true);
    if (!isMap(entries)) continue;
    for (const pair of entries.items) {
      const spec = pair.value as Node | null;
      const description = isMap(spec) ? spec.get("description", true) : undefined;
      problems.push(...descriptionProblems(`${file} ${section}.${String(pair.key)}`, description, source));
    }
  }
  return problems;
}

describe("action metadata", () => {
  for (const name of actionNames) {
    it(`actions/${name}/action.yml is valid for GitHub's action parser, runs on node24 from dist/${name}/, is kebab-case, branded, and marks its secrets`, async () => {
      const action = await loadActionMetadata(name);
      assert.equal(action.runs.using, "node24");
      assert.ok(action.runs.main !== undefined, "runs.main is required");
      for (const [kind, declared] of Object.entries({ main: action.runs.main, post: action.runs.post })) {
        if (declared === undefined) continue;
        assert.ok(
          declared.startsWith(`../../dist/${name}/`),
          `runs.${kind} is '${declared}'; it must point into ../../dist/${name}/`,
        );
        const built = resolve(action.dir, declared);
        assert.ok(existsSync(built), `runs.${kind}: ${built} does not exist (run npm run build)`);
        assert.ok(built.startsWith(join(repoRoot, "dist", name)), `runs.${kind} escapes dist/${name}/`);
      }
      // Its descriptions, of the action and each input and output: "… read whole" below (empty is mid-sentence).
      const offending = action.inputs.map((input) => input.name).filter((input) => !kebabCase.test(input));
      assert.deepEqual(offending, [], "input names are kebab-case (user-ocid, not userOcid or user_ocid)");
      assert.deepEqual(unmarked(name, action.inputs), [], "add them to secret or notSecret");
      assert.deepEqual(strayMarks(name, action.inputs), [], "marked, but not inputs of the action");
      assert.ok(action.branding?.icon, "branding.icon is missing");
      assert.ok(action.branding?.color, "branding.color is missing");
    });
  }

  it("the root action.yml (the whole pipeline) is the one generated from the stage actions (npm run docs)", async () => {
    assert.equal(await readFile(join(repoRoot, "action.yml"), "utf8"), await renderPipelineAction(repoRoot));
    // And GitHub's parser accepts it: the root action is actions/.. for the harness.
    const action = await loadActionMetadata("..");
    assert.equal(action.runs.using, "node24");
    assert.equal(action.runs.main, "dist/pipeline/index.js");
    assert.equal(action.runs.post, "dist/pipeline/post.js");
  });

  it("the README reference is the one generated from every action.yml (run npm run docs to fix)", async () => {
    const readme = await readFile(join(repoRoot, "README.md"), "utf8");
    assert.equal(replaceReference(readme, await renderReference(repoRoot)), readme);
  });

  it("the README keeps the two newcomer commands", async () => {
    const readme = await readFile(join(repoRoot, "README.md"), "utf8");
    assert.match(readme, /^npm run demo\b/m);
    assert.match(readme, /^npm test\b/m);
    assert.match(await readFile(join(repoRoot, ".ci", "run"), "utf8"), /^npm test$/m);
  });
});

describe("action.yml descriptions read whole", () => {
  it("no description of any action, input or output is cut by a YAML comment or ends mid-sentence", async () => {
    const problems: string[] = [];
    for (const file of ["action.yml", ...actionNames.map((name) => `actions/${name}/action.yml`)])
      problems.push(...fileProblems(file, await readFile(join(repoRoot, file), "utf8")));
    assert.deepEqual(problems, []);
  });

  it("the check finds a comment cut, on one line or several, and a missing full stop, and nothing else", () => {
    const action = (env: string) =>
      `name: x\ndescription: An action.\ninputs:\n  env:\n    description: ${env}\n    required: false\n`;
    const cases: [string, string, RegExp | undefined][] = [
      [
        "a comment on the line",
        "KEY=VALUE lines (blank lines and # comments are skipped).",
        /inputs\.env: cut by a YAML comment: .* reads as "KEY=VALUE lines \(blank lines and"/,
      ],
      [
        "a comment on a continuation line",
        "KEY=VALUE lines, one per line\n      (blank lines and # comments are skipped).",
        /inputs\.env: cut by a YAML comment/,
      ],
      ["no final stop", "The function's name", /inputs\.env: ends mid-sentence/],
      ["ends with a colon", '"One of:"', /inputs\.env: ends mid-sentence/],
      ["quoted, with a #", '"KEY=VALUE lines (# comments are skipped)."', undefined],
      ["a folded block, with a #", ">-\n      KEY=VALUE lines (# comments\n      are skipped).", undefined],
      ["a # without a space before it", "Issue C#1 is fixed.", undefined],
      ["a stop inside the brackets", "Region (e.g. ap-tokyo-1.)", undefined],
      ["a stop before a closing bracket and a quote", 'It says "done."', undefined],
    ];
    for (const [what, env, problem] of cases) {
      const found = fileProblems("x.yml", action(env));
      if (problem === undefined) assert.deepEqual(found, [], what);
      else assert.match(found.join("\n"), problem, `${what}: ${found.join(" | ")}`);
    }
  });
});

describe("secret marks", () => {
  it("are declared for every action and the root action, and for nothing else", () => {
    assert.deepEqual(Object.keys(SECRET_INPUTS).sort(), [...actionNames, "pipeline"].sort());
  });

  it("the guard finds an input that speaks of a secret on neither list", () => {
    const inputs = [
      { name: "api-key", description: "The service's key." },
      { name: "notes", description: "Anything; a password here is the user's business." },
      { name: "region", description: "Region, e.g. ap-tokyo-1." },
      { name: "token", description: "Bearer token the API must accept (secret)." },
    ];
    assert.deepEqual(unmarked("smoke-test", inputs), ["api-key", "notes"]);
  });

  it("the root action's stage inputs are secret exactly when a stage offering them marks them so", async () => {
    const root = await loadActionMetadata(".", repoRoot);
    const offeredBy = new Map<string, boolean>();
    for (const stage of STAGES) {
      const renames = PIPELINE_RENAMES[stage];
      for (const input of (await loadActionMetadata(stage)).inputs) {
        const renamed = input.name in renames ? renames[input.name] : input.name;
        if (renamed === null || renamed === undefined) continue;
        offeredBy.set(renamed, (offeredBy.get(renamed) ?? false) || secretInputs(stage).has(input.name));
      }
    }
    const secret = secretInputs("pipeline");
    for (const [name, stageSecret] of offeredBy) assert.equal(secret.has(name), stageSecret, name);
    // The root's own inputs (skip, preflight, deadline-minutes) are guarded by their words like any other.
    const own = root.inputs.filter((input) => !offeredBy.has(input.name));
    assert.deepEqual(unmarked("pipeline", own), [], "add them to SECRET_INPUTS.pipeline");
    assert.deepEqual(strayMarks("pipeline", root.inputs), []);
  });
});
