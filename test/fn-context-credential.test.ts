// fn-context's credential, through the built action: the key and passphrase are masked before any other
// output and never shown or left behind; the profile it writes is what oci-common reads and OCI accepts;
// the credential check against an OCI that is not there, or whose clock disagrees with the runner's,
// fails with one explained line, no key shown and nothing left behind. (A step killed mid-way still
// gets its post step: R7's "fn-context: SIGTERM/SIGKILL while writing its secrets".)
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ConfigFileAuthenticationDetailsProvider, NoRetryConfigurationDetails } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { assertUserFailure, Job } from "./runner/index.ts";
import { encryptedPkcs1 } from "./support/keys.ts";
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
  });

  describe("the written configuration works with the OCI SDK", () => {
    // That the emulator refuses a key it does not know: oci-emulator.test.ts.
    it("oci-common's ConfigFileAuthenticationDetailsProvider reads it and the emulator accepts its signature", async () => {
      await using job = await Job.create({ env: oci.env });
      const run = await job.run("fn-context", { inputs: oci.inputs({ profile: "CI", verify: "false" }) });
      assert.equal(run.exitCode, 0, run.stdout);
      const configFile = run.outputs["config-file"] ?? "";
      assert.equal(configFile, join(job.home, ".oci", "config"));
      const client = new ObjectStorageClient(
        { authenticationDetailsProvider: new ConfigFileAuthenticationDetailsProvider(configFile, "CI") },
        { retryConfiguration: NoRetryConfigurationDetails },
      );
      client.endpoint = oci.stack.endpoints.oci;
      assert.equal((await client.getNamespace({})).value, oci.namespace);
    });
  });

  it("an endpoint nobody answers: retried until the deadline, then one line naming the endpoint", async () => {
    await assertVerifyFails(
      { ...oci.env, FNGATE_OCI_ENDPOINT: "https://127.0.0.1:9" },
      /^verify: could not reach OCI at https:\/\/127\.0\.0\.1:9: .*FNGATE_OCI_ENDPOINT/,
    );
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

/**
 * fn-context in a job with `env`: one error line matching `message` (exit 1, no stack, no key shown:
 * the failure contract), no SDK chatter, no key in anything written, nothing left.
 */
async function assertVerifyFails(env: Record<string, string>, message: RegExp): Promise<void> {
  await using job = await Job.create({ env });
  const run = await job.run("fn-context", { inputs: oci.inputs() });
  const keys = [oci.key.pkcs1, oci.key.pkcs8];
  assertUserFailure(run, message, keys);
  assert.equal(run.stderr, "", "the SDK's retry chatter stays in the debug log");
  assert.deepEqual(secretsFound(await job.allWrittenText(), keys), []);
  assert.equal((await job.snapshot()).size, 0);
}
