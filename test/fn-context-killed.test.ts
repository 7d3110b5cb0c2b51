import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import { describe, it } from "node:test";
import { Job } from "./runner/index.ts";
import { startOciFixture } from "./support/oci-fixture.ts";

/**
 * A step killed mid-way (the job's timeout-minutes, a cancelled run) still gets its post step, and that
 * post step must find what to undo: fn-context hands over its restore plan before it writes the key.
 */
describe("fn-context killed while verifying", () => {
  it("the post step still removes the key and restores HOME", async () => {
    // Accepts connections and never answers: the signed call hangs until the runner gives up.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const oci = await startOciFixture();
    const job = await Job.create({ env: { ...oci.env, FNGATE_OCI_ENDPOINT: `https://127.0.0.1:${port}` } });
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
      await job.dispose();
      await oci.close();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
