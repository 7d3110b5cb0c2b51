import assert from "node:assert/strict";
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
before(async () => {
  oci = await startOciFixture();
  trustCaInProcess(oci.stack.caPem);
});
after(async () => {
  await oci?.close();
});

describe("fn-context keeps secrets secret", () => {
  it("masks the key and passphrase before any other output, and nothing it writes or leaves contains them", async () => {
    const passphrase = "pass phrase/with+chars&=";
    const encrypted = encryptedPkcs1(oci.key, passphrase);
    const job = await Job.create({ env: oci.env });
    try {
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
    } finally {
      await job.dispose();
    }
  });

  it("a failing run does not leak the key either", async () => {
    const stranger = generateTestKey();
    const job = await Job.create({ env: oci.env });
    try {
      const main = await job.run("fn-context", {
        inputs: oci.inputs({ "private-key": stranger.pkcs1, fingerprint: "" }),
      });
      assert.equal(main.exitCode, 1);
      const everything = visible(main.stdout) + main.stderr + (await job.allWrittenText());
      assert.deepEqual(secretsFound(everything, [stranger.pkcs1, stranger.pkcs8]), []);
    } finally {
      await job.dispose();
    }
  });
});

describe("the written configuration works with the OCI SDK", () => {
  it("oci-common's ConfigFileAuthenticationDetailsProvider reads it and the emulator accepts its signature; another key is refused", async () => {
    const job = await Job.create({ env: oci.env });
    try {
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
    } finally {
      await job.dispose();
    }
  });
});
