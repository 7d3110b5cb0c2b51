// fn-context's credential, through the built action: the key and passphrase are masked before any other
// output and never shown or left behind; the profile it writes is what oci-common reads and OCI accepts;
// the credential check against an OCI that is not there, that never answers, or whose clock disagrees
// with the runner's fails with one explained line and nothing left behind; and a step killed mid-way
// (the job's timeout-minutes, a cancelled run) still gets its post step, which must find what to undo:
// fn-context hands over its restore plan before it writes the key.
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ConfigFileAuthenticationDetailsProvider, NoRetryConfigurationDetails } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { Job } from "./runner/index.ts";
import { encryptedPkcs1, generateTestKey } from "./support/keys.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { secretsFound, visibleOutput as visible } from "./support/secret-scan.ts";

let oci: OciFixture;
/** How far the emulator's clock is ahead of the runner's. */
let clockAheadMs = 0;
before(async () => {
  oci = await startOciFixture({ now: () => new Date(Date.now() + clockAheadMs) });
  trustCaInProcess(oci.stack.caPem);
});
after(async () => {
  await oci?.close();
});

// Side by side: the unanswered endpoint spends 20 s idle in the SDK's retries. Not the clock case,
// which moves the emulator's clock under every other call: it runs alone, after them.
describe("fn-context's credential", { concurrency: true }, () => {
  describe("fn-context keeps secrets secret", () => {
    it("masks the key and passphrase before any other output, and nothing it writes or leaves contains them", async () => {
      const passphrase = "pass phrase/with+chars&=";
      const encrypted = encryptedPkcs1(oci.key, passphrase);
      await using job = await Job.create({ env: oci.env });
      const before = await job.snapshot();
      const main = await job.run("fn-context", {
        inputs: oci.inputs({ "private-key": encrypted, "private-key-passphrase": passphrase }),
      });
      assert.equal(main.exitCode, 0, main.stdout);
      const firstLines = main.stdout.split("\n").filter((l) => l.trim() !== "");
      const firstOther = firstLines.findIndex((l) => !l.startsWith("::add-mask::"));
      assert.ok(firstOther > 0, "add-mask commands come first");
      for (const line of firstLines.slice(firstOther))
        assert.doesNotMatch(line, /^::add-mask::/, "masks registered late");
      assert.ok(main.masks.includes(passphrase));
      for (const line of oci.key.pkcs8.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"))) {
        assert.ok(
          main.masks.some((mask) => mask === line),
          "decrypted key lines are masked",
        );
      }

      const posts = await job.runPosts();
      assert.ok(posts.every((p) => p.exitCode === 0));
      const everything =
        [main, ...posts].map((r) => visible(r.stdout) + r.stderr).join("\n") + (await job.allWrittenText());
      const found = secretsFound(everything, [passphrase, encrypted, oci.key.pkcs8]);
      assert.deepEqual(found, [], "secret occurrences found");
      assert.deepEqual(await job.snapshot(), before, "no file left behind in HOME or RUNNER_TEMP");
    });

    it("a failing run does not leak the key either", async () => {
      const stranger = generateTestKey();
      await using job = await Job.create({ env: oci.env });
      const main = await job.run("fn-context", {
        inputs: oci.inputs({ "private-key": stranger.pkcs1, fingerprint: "" }),
      });
      assert.equal(main.exitCode, 1);
      const everything = visible(main.stdout) + main.stderr + (await job.allWrittenText());
      assert.deepEqual(secretsFound(everything, [stranger.pkcs1, stranger.pkcs8]), []);
    });
  });

  describe("the written configuration works with the OCI SDK", () => {
    it("oci-common's ConfigFileAuthenticationDetailsProvider reads it and the emulator accepts its signature; another key is refused", async () => {
      await using job = await Job.create({ env: oci.env });
      const run = await job.run("fn-context", { inputs: oci.inputs({ profile: "CI", verify: "false" }) });
      assert.equal(run.exitCode, 0, run.stdout);
      const configFile = run.outputs["config-file"] ?? "";
      assert.equal(configFile, join(job.home, ".oci", "config"));

      const client = (profile: string) => {
        const c = new ObjectStorageClient(
          { authenticationDetailsProvider: new ConfigFileAuthenticationDetailsProvider(configFile, profile) },
          { retryConfiguration: NoRetryConfigurationDetails },
        );
        c.endpoint = oci.stack.endpoints.oci;
        return c;
      };
      const accepted = await client("CI").getNamespace({});
      assert.equal(accepted.value, oci.namespace);

      // The same profile with a key OCI does not know: written by a second run with another key.
      const stranger = generateTestKey();
      const second = await job.run("fn-context", {
        inputs: oci.inputs({
          profile: "STRANGER",
          verify: "false",
          "private-key": stranger.pkcs8,
          fingerprint: "",
        }),
      });
      assert.equal(second.exitCode, 0, second.stdout);
      await assert.rejects(
        client("STRANGER").getNamespace({}),
        (error: { statusCode?: number; serviceCode?: string }) => {
          return error.statusCode === 401 && error.serviceCode === "NotAuthenticated";
        },
      );
    });
  });

  describe("fn-context verify failures are explained, and leave nothing behind", {
    concurrency: true,
  }, () => {
    it("an endpoint nobody answers: retried until the deadline, then one line naming the endpoint", async () => {
      await assertVerifyFails(
        { ...oci.env, FNGATE_OCI_ENDPOINT: "https://127.0.0.1:9" },
        /^verify: could not reach OCI at https:\/\/127\.0\.0\.1:9: .*FNGATE_OCI_ENDPOINT/,
      );
    });

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
});

it("a runner clock 10 minutes off: 401, and the message points at the clock", async () => {
  clockAheadMs = 10 * 60 * 1000;
  try {
    await assertVerifyFails(
      oci.env,
      /^verify: OCI refused the API key \(401 NotAuthenticated\).*the runner's clock is correct/,
    );
  } finally {
    clockAheadMs = 0;
  }
});

/** fn-context in a job with `env`: exit 1, one error line matching `message`, no SDK chatter, nothing left. */
async function assertVerifyFails(env: Record<string, string>, message: RegExp): Promise<void> {
  await using job = await Job.create({ env });
  const run = await job.run("fn-context", { inputs: oci.inputs() });
  assert.equal(run.exitCode, 1);
  const errors = run.annotations.filter((a) => a.level === "error");
  assert.equal(errors.length, 1, run.stdout);
  assert.match(errors[0]?.message ?? "", message);
  assert.equal(run.stderr, "", "the SDK's retry chatter stays in the debug log");
  assert.equal((await job.snapshot()).size, 0);
}
