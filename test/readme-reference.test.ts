import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { renderReference, replaceReference } from "../scripts/action-reference.ts";
import { renderPipelineAction } from "../scripts/pipeline-action.ts";
import { loadActionMetadata } from "./runner/index.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

it("the README reference is the one generated from every action.yml (run npm run docs to fix)", async () => {
  const readme = await readFile(join(root, "README.md"), "utf8");
  assert.equal(replaceReference(readme, await renderReference(root)), readme);
});

it("the README keeps the two newcomer commands", async () => {
  const readme = await readFile(join(root, "README.md"), "utf8");
  assert.match(readme, /^npm run demo\b/m);
  assert.match(readme, /^npm test\b/m);
  const ci = await readFile(join(root, ".ci", "run"), "utf8");
  assert.match(ci, /^npm test$/m);
});

it("the root action.yml (the whole pipeline) is the one generated from the stage actions (npm run docs)", async () => {
  assert.equal(await readFile(join(root, "action.yml"), "utf8"), await renderPipelineAction(root));
  // And GitHub's parser accepts it: the root action is actions/.. for the harness.
  const action = await loadActionMetadata("..");
  assert.equal(action.runs.using, "node24");
  assert.equal(action.runs.main, "dist/pipeline/index.js");
  assert.equal(action.runs.post, "dist/pipeline/post.js");
});
