// npm run docs: regenerate what is derived from the actions' action.yml files: the root action.yml (the
// whole pipeline) and the README reference. With --check: fail when either is out of date.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderReference, replaceReference } from "./action-reference.ts";
import { renderPipelineAction } from "./pipeline-action.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

const generated: [string, (current: string) => Promise<string>][] = [
  ["action.yml", () => renderPipelineAction(root)],
  ["README.md", async (current) => replaceReference(current, await renderReference(root))],
];
for (const [file, render] of generated) {
  const path = join(root, file);
  const current = await readFile(path, "utf8").catch(() => "");
  const updated = await render(current);
  if (updated === current) continue;
  if (check) {
    console.error(`${file} is out of date with actions/*/action.yml: run "npm run docs".`);
    process.exitCode = 1;
  } else {
    await writeFile(path, updated);
    console.log(`${file} updated.`);
  }
}
