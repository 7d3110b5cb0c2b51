// Every description GitHub shows (Marketplace, the workflow editor), the README reference and
// `fngate <command> --help` print is the one in action.yml, as a YAML parser reads it. An unquoted
// ` #` in a plain scalar starts a comment and silently cuts the sentence there; a description that does
// not end like a sentence was cut some other way (a stray colon, a lost line). Both fail here.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { isMap, isScalar, type Node, parseDocument, Scalar } from "yaml";
import { repoRoot } from "./runner/index.ts";

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

const actionFiles = [
  "action.yml",
  ...readdirSync(join(repoRoot, "actions"))
    .sort()
    .map((name) => `actions/${name}/action.yml`),
];

describe("action.yml descriptions read whole", () => {
  it("no description of any action, input or output is cut by a YAML comment or ends mid-sentence", async () => {
    const problems: string[] = [];
    for (const file of actionFiles)
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
      else {
        assert.equal(found.length >= 1, true, `${what}: ${found.join(" | ")}`);
        assert.match(found.join("\n"), problem, what);
      }
    }
  });
});
