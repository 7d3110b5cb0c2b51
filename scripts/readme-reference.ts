// npm run docs: rewrite the README reference from action.yml. With --check: fail when they disagree.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderReference, replaceReference } from "./action-reference.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const readmePath = join(root, "README.md");
const readme = await readFile(readmePath, "utf8");
const updated = replaceReference(readme, await renderReference(root));
if (process.argv.includes("--check")) {
  if (updated !== readme) {
    console.error('README.md reference is out of date with action.yml: run "npm run docs".');
    process.exitCode = 1;
  }
} else if (updated !== readme) {
  await writeFile(readmePath, updated);
  console.log("README.md reference updated.");
}
