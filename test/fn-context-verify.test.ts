import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Job } from "./runner/index.ts";
import { startOciFixture } from "./support/oci-fixture.ts";

/** The credential check against an OCI that is not there, or whose clock disagrees with the runner's. */
describe("fn-context verify failures are explained, and leave nothing behind", () => {
  it("a runner clock 10 minutes off: 401, and the message points at the clock", async () => {
    const oci = await startOciFixture({ now: () => new Date(Date.now() + 10 * 60 * 1000) });
    const job = await Job.create({ env: oci.env });
    try {
      const run = await job.run("fn-context", { inputs: oci.inputs() });
      assert.equal(run.exitCode, 1);
      const [error, ...more] = run.annotations.filter((a) => a.level === "error");
      assert.equal(more.length, 0);
      assert.match(
        error?.message ?? "",
        /^verify: OCI refused the API key \(401 NotAuthenticated\).*the runner's clock is correct/,
      );
      assert.equal((await job.snapshot()).size, 0);
    } finally {
      await job.dispose();
      await oci.close();
    }
  });

  it("an endpoint nobody answers: retried until the deadline, then one line naming the endpoint", async () => {
    const oci = await startOciFixture();
    const job = await Job.create({ env: { ...oci.env, FNGATE_OCI_ENDPOINT: "https://127.0.0.1:9" } });
    try {
      const run = await job.run("fn-context", { inputs: oci.inputs() });
      assert.equal(run.exitCode, 1);
      const errors = run.annotations.filter((a) => a.level === "error");
      assert.equal(errors.length, 1);
      assert.match(
        errors[0]?.message ?? "",
        /^verify: could not reach OCI at https:\/\/127\.0\.0\.1:9: .*FNGATE_OCI_ENDPOINT/,
      );
      assert.equal(run.stderr, "", "the SDK's retry chatter stays in the debug log");
      assert.equal((await job.snapshot()).size, 0);
    } finally {
      await job.dispose();
      await oci.close();
    }
  });
});
