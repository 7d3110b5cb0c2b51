// fn-context's credential check against an OCI that is not there, that never answers, or whose clock
// disagrees with the runner's: one explained line and nothing left behind; and a step killed mid-way
// (the job's timeout-minutes, a cancelled run) still gets its post step, which must find what to undo:
// fn-context hands over its restore plan before it writes the key.
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { Job } from "./runner/index.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";

let oci: OciFixture;
/** How far the emulator's clock is ahead of the runner's. */
let clockAheadMs = 0;
before(async () => {
  oci = await startOciFixture({ now: () => new Date(Date.now() + clockAheadMs) });
});
after(async () => {
  await oci?.close();
});

describe("fn-context verify failures are explained, and leave nothing behind", () => {
  const cases: [string, { endpoint?: string; clockAheadMs?: number }, RegExp][] = [
    [
      "a runner clock 10 minutes off: 401, and the message points at the clock",
      { clockAheadMs: 10 * 60 * 1000 },
      /^verify: OCI refused the API key \(401 NotAuthenticated\).*the runner's clock is correct/,
    ],
    [
      "an endpoint nobody answers: retried until the deadline, then one line naming the endpoint",
      { endpoint: "https://127.0.0.1:9" },
      /^verify: could not reach OCI at https:\/\/127\.0\.0\.1:9: .*FNGATE_OCI_ENDPOINT/,
    ],
  ];
  for (const [name, { endpoint, clockAheadMs: ahead = 0 }, message] of cases) {
    it(name, async () => {
      clockAheadMs = ahead;
      try {
        await using job = await Job.create({
          env: { ...oci.env, ...(endpoint ? { FNGATE_OCI_ENDPOINT: endpoint } : {}) },
        });
        const run = await job.run("fn-context", { inputs: oci.inputs() });
        assert.equal(run.exitCode, 1);
        const errors = run.annotations.filter((a) => a.level === "error");
        assert.equal(errors.length, 1, run.stdout);
        assert.match(errors[0]?.message ?? "", message);
        assert.equal(run.stderr, "", "the SDK's retry chatter stays in the debug log");
        assert.equal((await job.snapshot()).size, 0);
      } finally {
        clockAheadMs = 0;
      }
    });
  }

  it("killed while verifying: the post step still removes the key and restores HOME", async () => {
    // Accepts connections and never answers: the signed call hangs until the runner gives up.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    await using job = await Job.create({
      env: { ...oci.env, FNGATE_OCI_ENDPOINT: `https://127.0.0.1:${port}` },
    });
    try {
      const before = await job.snapshot();
      const main = await job.run("fn-context", { inputs: oci.inputs(), timeoutMs: 4000 });
      assert.equal(main.timedOut, true, "the step was still waiting when it was killed");
      const during = await job.snapshot();
      assert.ok(
        [...during.keys()].some((path) => path.endsWith(".oci/fngate-DEFAULT.pem")),
        "the key was written",
      );
      const [post] = await job.runPosts();
      assert.equal(post?.exitCode, 0, post?.stdout);
      assert.deepEqual(await job.snapshot(), before, "no key and no configuration left behind");
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
