// A pipeline refused for its environment (an http:// FNGATE_OCI_ENDPOINT to another host) changed
// nothing: its main step says so in one line, and its post step has nothing to undo and says only that,
// instead of repeating the refusal as a failed cleanup.
import assert from "node:assert/strict";
import { it } from "node:test";
import { runAction } from "./runner/index.ts";

it("the pipeline's post step after a refused endpoint override: nothing to clean up, no warning", async () => {
  const run = await runAction("..", {
    jobEnv: { FNGATE_OCI_ENDPOINT: "http://oci.example.com" },
    inputs: {
      skip: "fn-context,fn-deploy,gateway-deploy,entra-token,smoke-test",
      preflight: "false",
      region: "ap-tokyo-1",
      namespace: "axnamespace",
      username: "ci",
      "auth-token": "not-a-real-token",
      registry: "127.0.0.1:5999",
    },
  });
  const errors = run.main.annotations.filter((note) => note.level === "error").map((note) => note.message);
  assert.equal(run.main.exitCode, 1);
  assert.equal(errors.length, 1, errors.join(" | "));
  assert.match(errors[0] ?? "", /FNGATE_OCI_ENDPOINT/);
  assert.equal(run.posts.length, 1);
  const post = run.posts[0];
  assert.equal(post?.exitCode, 0);
  assert.deepEqual(post?.annotations, [], "no warning from the post step");
  assert.match(post?.stdout ?? "", /Nothing to clean up\./);
  assert.deepEqual([...run.after.keys()], [...run.before.keys()], "HOME and RUNNER_TEMP as before");
});
