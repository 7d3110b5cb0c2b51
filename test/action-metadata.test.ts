// Every action.yml under actions/ is valid for GitHub (its own parser and schema), runs on
// node24 from the committed dist/ bundle, documents every input and output, and has every input that
// speaks of a secret declared secret or not in src/inputs/secret-inputs.ts.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { PIPELINE_RENAMES, STAGES } from "../src/inputs/pipeline-stages.ts";
import { notSecretInputs, SECRET_INPUTS, secretInputs } from "../src/inputs/secret-inputs.ts";
import {
  type ActionInput,
  type ActionMetadata,
  defaultActionsDir,
  loadActionMetadata,
  repoRoot,
} from "./runner/index.ts";

const actionNames = existsSync(defaultActionsDir)
  ? readdirSync(defaultActionsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
  : [];

const kebabCase = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Only a guard: the declaration decides what is secret. An input whose name or description speaks of a
 * secret must be on one of its action's lists, so a new one cannot slip in unmarked.
 */
const speaksOfASecret = /\b(secrets?|keys?|tokens?|passwords?|passphrases?|credentials?)\b/i;

function unmarked(action: string, inputs: readonly Pick<ActionInput, "name" | "description">[]): string[] {
  const secret = secretInputs(action);
  const notSecret = notSecretInputs(action);
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

describe("action metadata", () => {
  if (actionNames.length === 0) it("checks each folder under actions/", { skip: "there are no actions yet" });

  for (const name of actionNames) {
    describe(`actions/${name}/action.yml`, () => {
      // Loaded once; when the parser rejects the file, that is one failure and the checks that
      // need the parsed metadata are skipped instead of repeating it.
      const loading = loadActionMetadata(name).then(
        (action) => ({ action, error: undefined }),
        (error: unknown) => ({ action: undefined, error }),
      );
      const loaded = async (t: TestContext): Promise<ActionMetadata | undefined> => {
        const { action } = await loading;
        if (action === undefined) t.skip("action.yml is invalid (see the parser check)");
        return action;
      };

      it("is valid for GitHub's action parser", async () => {
        const { error } = await loading;
        if (error !== undefined) throw error;
      });

      it("runs on node24 from dist/<name>/, and the bundles are built", async (t) => {
        const action = await loaded(t);
        if (action === undefined) return;
        assert.equal(action.runs.using, "node24");
        const entries: [string, string | undefined][] = [
          ["main", action.runs.main],
          ["post", action.runs.post],
        ];
        assert.ok(action.runs.main !== undefined, "runs.main is required");
        for (const [kind, declared] of entries) {
          if (declared === undefined) continue;
          assert.ok(
            declared.startsWith(`../../dist/${name}/`),
            `runs.${kind} is '${declared}'; it must point into ../../dist/${name}/`,
          );
          const built = resolve(action.dir, declared);
          assert.ok(existsSync(built), `runs.${kind}: ${built} does not exist (run npm run build)`);
          assert.ok(built.startsWith(join(repoRoot, "dist", name)), `runs.${kind} escapes dist/${name}/`);
        }
      });

      it("describes every input and output", async (t) => {
        const action = await loaded(t);
        if (action === undefined) return;
        assert.notEqual(action.description.trim(), "", "the action needs a description");
        const undocumented = [
          ...action.inputs.filter((input) => input.description.trim() === "").map((i) => `input ${i.name}`),
          ...action.outputs
            .filter((output) => output.description.trim() === "")
            .map((o) => `output ${o.name}`),
        ];
        assert.deepEqual(undocumented, [], "every input and output needs a description");
      });

      it("has kebab-case input names", async (t) => {
        const action = await loaded(t);
        if (action === undefined) return;
        const offending = action.inputs.map((input) => input.name).filter((input) => !kebabCase.test(input));
        assert.deepEqual(offending, [], "input names are kebab-case (user-ocid, not userOcid or user_ocid)");
      });

      it("marks every input that speaks of a secret either secret or not secret (src/inputs/secret-inputs.ts)", async (t) => {
        const action = await loaded(t);
        if (action === undefined) return;
        assert.ok(name in SECRET_INPUTS, `src/inputs/secret-inputs.ts has no entry for ${name}`);
        assert.deepEqual(unmarked(name, action.inputs), [], "add them to secret or notSecret");
        assert.deepEqual(strayMarks(name, action.inputs), [], "marked, but not inputs of the action");
      });

      it("has Marketplace branding", async (t) => {
        const action = await loaded(t);
        if (action === undefined) return;
        assert.ok(action.branding?.icon, "branding.icon is missing");
        assert.ok(action.branding?.color, "branding.color is missing");
      });
    });
  }
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
