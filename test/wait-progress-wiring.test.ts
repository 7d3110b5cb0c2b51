// Every cloud wait says it is still waiting (issue: waits on real clouds print nothing between start
// and end). pollUntil prints the lines when it is given `progress` and `describe` (test/wait-progress);
// this file checks the wiring, so a new wait cannot go silent: each pollUntil in src/ gets both (or
// forwards the caller's), and each wait a step starts gets the step's logger.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { it } from "node:test";

/**
 * Retries of one request, not waits on a resource: Entra's prints a line per retry itself; the OCI
 * token form and the registry token give up within 30 s and their failure names the last answer.
 */
const RETRIES_OF_ONE_REQUEST = new Set([
  "src/entra/acquire-token.ts",
  "src/oci/auth/token-endpoint.ts",
  "src/oci/registry/registry-token.ts",
]);

/** The waits src/steps start, by the name each is called by. */
const STEP_WAITS = [
  "waitForActive",
  "waitForDeploymentActive",
  "waitForWorkRequest",
  "waitUntilActive",
  "waitUntilGone",
  "deleteServiceAndWait",
  "waitForFunctionDeleted",
  "upsertService",
  "applyDeployment",
];

async function sources(dir: string): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith(".ts"));
  return Promise.all(
    files.map(async (e) => {
      const path = join(e.parentPath, e.name);
      return { path, text: await readFile(path, "utf8") };
    }),
  );
}

/** The text of each call `name(...)` in `text`, arguments included (parentheses matched). */
function calls(text: string, name: string): string[] {
  const found: string[] = [];
  const pattern = new RegExp(`(?<![\\w.]function )\\b${name}(?:<[^>(]*>)?\\(`, "g");
  for (const match of text.matchAll(pattern)) {
    let depth = 0;
    let end = match.index + match[0].length - 1;
    for (; end < text.length; end++) {
      if (text[end] === "(") depth++;
      else if (text[end] === ")" && --depth === 0) break;
    }
    found.push(text.slice(match.index, end + 1));
  }
  return found;
}

it("every pollUntil in src/ is told what it waits for and where to report it", async () => {
  const files = (await sources("src")).filter((f) => !f.path.endsWith("retry/backoff.ts"));
  let checked = 0;
  for (const { path, text } of files) {
    if (RETRIES_OF_ONE_REQUEST.has(path)) continue;
    for (const call of calls(text, "pollUntil")) {
      checked++;
      assert.match(call, /\bprogress\b/, `${path}: a pollUntil without progress:\n${call}`);
      assert.match(call, /\bdescribe\b/, `${path}: a pollUntil without describe:\n${call}`);
    }
  }
  assert.ok(checked >= 5, `found ${checked} pollUntil calls; the scan has lost them`);
});

it("every wait a step starts is given the step's logger for its progress lines", async () => {
  let checked = 0;
  for (const { path, text } of await sources("src/steps")) {
    for (const name of STEP_WAITS) {
      for (const call of calls(text, name)) {
        checked++;
        // The options are passed inline (progress: ctx.logger) or as a variable built with it.
        const variable = /,\s*(\w+)\s*\)$/.exec(call)?.[1];
        const built =
          variable && new RegExp(`\\b${variable}\\s*=\\s*\\{[^;]*progress: ctx\\.logger`).test(text);
        assert.ok(
          /progress: ctx\.logger|ctx\.logger\)$/.test(call) || built,
          `${path}: ${name} without progress:\n${call}`,
        );
      }
    }
  }
  assert.ok(checked >= 8, `found ${checked} step waits; the scan has lost them`);
});
