import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
// What oci-common's retrier prints when a call fails (node_modules/oci-common/lib/retrier.js).
const CHATTER =
  'console.warn("Request cannot be retried. Not Retrying."); console.info("No DEFAULT profile")';

test("npm test loads the SDK-chatter route before every test file", async () => {
  const manifest = JSON.parse(await readFile("package.json", "utf8"));
  assert.match(manifest.scripts.test, /^node --import \.\/test\/support\/quiet-sdk\.ts --test /);
});

test("in a test process the SDK's console chatter is a debug line, shown only with FNGATE_TEST_DEBUG", async () => {
  const args = ["--import", "./test/support/quiet-sdk.ts", "-e", `${CHATTER}; console.log("figure")`];
  const quiet = await run(process.execPath, args, { env: { ...process.env, FNGATE_TEST_DEBUG: "" } });
  assert.equal(quiet.stderr, "");
  assert.equal(quiet.stdout, "figure\n");
  const debug = await run(process.execPath, args, { env: { ...process.env, FNGATE_TEST_DEBUG: "1" } });
  assert.equal(
    debug.stderr,
    "[sdk debug] Request cannot be retried. Not Retrying.\n[sdk debug] No DEFAULT profile\n",
  );
});
