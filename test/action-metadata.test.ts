// Every action.yml under actions/ is valid for GitHub (its own parser and schema), runs on
// node24 from the committed dist/ bundle, and documents every input and output.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { type ActionMetadata, defaultActionsDir, loadActionMetadata, repoRoot } from "./runner/index.ts";

const actionNames = existsSync(defaultActionsDir)
  ? readdirSync(defaultActionsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
  : [];

const kebabCase = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

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

      it("has Marketplace branding", async (t) => {
        const action = await loaded(t);
        if (action === undefined) return;
        assert.ok(action.branding?.icon, "branding.icon is missing");
        assert.ok(action.branding?.color, "branding.color is missing");
      });
    });
  }
});
