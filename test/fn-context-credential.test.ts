// fn-context's credential, through the built action: the key and passphrase are masked before any other
// output and never shown or left behind; the profile it writes is what oci-common reads and OCI accepts;
// the credential check against an OCI that is not there, or whose clock disagrees with the runner's,
// fails with one explained line, no key shown and nothing left behind. (A step killed mid-way still
// gets its post step: R7's "fn-context: SIGTERM/SIGKILL while writing its secrets".)
// Every piece of a private key that a later step or an error could print is masked, the short last
// line of a PEM body included, without masking short ordinary words on their own. The action's masks
// are taken from a real fn-context run and applied as the runner does (line by line); the CLI's from
// its redactor, filled by the CLI's own input reader and the step.
import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ConfigFileAuthenticationDetailsProvider, NoRetryConfigurationDetails } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";
import { actionMetadata } from "../src/cli/action-metadata.ts";
import { cliLog, cliStepContext } from "../src/cli/cli-context.ts";
import { cliInputHost } from "../src/cli/cli-host.ts";
import { cliInputs } from "../src/cli/cli-inputs.ts";
import { createRedactor } from "../src/cli/redactor.ts";
import { restore } from "../src/fs/restore-plan.ts";
import { readFnContextInputs } from "../src/inputs/fn-context.ts";
import { secretPieces } from "../src/secret-pieces.ts";
import { configureFnContext } from "../src/steps/fn-context.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { applyMasks, assertUserFailure, Job, runAction } from "./runner/index.ts";
import { encryptedPkcs1, generateTestKey, pemArmor } from "./support/keys.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { secretsFound, visibleOutput as visible } from "./support/secret-scan.ts";

/** A key whose PEM (`form`) ends in a 4-character body line that could not be ordinary text. */
function keyWithShortLastLine(bits: number, form: "pkcs8" | "pkcs1"): string {
  for (;;) {
    const pem = generateTestKey(bits)[form];
    const last = pem.trim().split("\n").at(-2) ?? "";
    if (last.length === 4 && /[=+/0-9]/.test(last)) return pem;
  }
}

/** How a key can end up printed: by `cat`, in JSON, folded by a paste, in an indented YAML block. */
function printedForms(pem: string): Record<string, string> {
  const lines = pem.trim().split("\n");
  const body = lines.slice(1, -1);
  return {
    "as written": pem,
    CRLF: pem.replace(/\n/g, "\r\n"),
    indented: lines.map((line) => `    ${line}`).join("\n"),
    "folded without separators": lines.join(""),
    "folded with spaces": lines.join(" "),
    "JSON string": JSON.stringify(pem),
    "JSON string with CRLF": JSON.stringify(pem.replace(/\n/g, "\r\n")),
    "body alone on one line": body.join(""),
    "last line glued to the END armor": `${lines.slice(0, -1).join("\n")}${lines.at(-1)}`,
  };
}

/** What is left of a masked text once masks, armor, escapes and punctuation are taken away. */
function residue(masked: string): string {
  return masked
    .replace(/\*\*\*/g, "")
    .replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, "")
    .replace(/\\[rn]/g, "")
    .replace(/[\s"]/g, "");
}

/** The runner masks each log line on its own. */
const asRunner = (text: string, masks: readonly string[]) =>
  text
    .split(/\r?\n/)
    .map((line) => applyMasks(line, masks))
    .join("\n");

let oci: OciFixture;
/** How far the emulator's clock is ahead of the runner's. */
let clockAheadMs = 0;
let keys: Record<string, string>;
before(async () => {
  oci = await startOciFixture({ now: () => new Date(Date.now() + clockAheadMs) });
  trustCaInProcess(oci.stack.caPem);
  // 2192-bit PKCS#8 and 2152-bit PKCS#1 PEMs end in a 4-character line; fn-context writes PKCS#8.
  keys = {
    "PKCS#8 input": keyWithShortLastLine(2192, "pkcs8"),
    "PKCS#1 input": keyWithShortLastLine(2152, "pkcs1"),
  };
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

  describe("masking a private key with a short last line", () => {
    it("the action: the masks fn-context registers hide every printed form of the input and the written key", async () => {
      for (const [name, key] of Object.entries(keys)) {
        const run = await runAction("fn-context", {
          inputs: oci.inputs({ "private-key": key, fingerprint: "", verify: "false" }),
          posts: false,
        });
        assert.equal(run.main.exitCode, 0, run.main.stdout);
        const written = pkcs8Of(key);
        assert.ok(run.writtenText.includes(written), `${name}: the key file holds the PKCS#8 form`);
        for (const pem of [key, written]) {
          for (const [form, text] of Object.entries(printedForms(pem))) {
            assert.equal(residue(asRunner(text, run.main.masks)), "", `${name}, printed ${form}`);
          }
        }
      }
    });

    it("the CLI: its redactor, filled by the CLI's input reader and the step, hides every printed form", async () => {
      const home = await mkdtemp(join(tmpdir(), "fngate-mask-"));
      try {
        for (const [name, key] of Object.entries(keys)) {
          const redactor = createRedactor();
          const { "private-key": _, ...open } = oci.inputs({ fingerprint: "", verify: "false" });
          const flags = new Map(Object.entries(open).filter(([, value]) => value !== ""));
          const read = cliInputs(actionMetadata("fn-context"), flags, { FNGATE_PRIVATE_KEY: key }, redactor);
          const ctx = {
            ...cliStepContext(cliLog(redactor, false), redactor, {}),
            homeDir: home,
            tempDir: home,
          };
          const result = await configureFnContext(
            readFnContextInputs(read, cliInputHost({}, home, ctx.secrets)),
            ctx,
          );
          for (const pem of [key, pkcs8Of(key)]) {
            for (const [form, text] of Object.entries(printedForms(pem))) {
              assert.equal(residue(redactor.redact(text)), "", `${name}, printed ${form}`);
            }
          }
          await restore(result.restorePlan);
        }
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    });
  });

  describe("which pieces of a multi-line secret are registered", () => {
    // A full-length base64 line of a key made now: no key material is kept in the repository.
    const LONG = generateTestKey().pkcs8.split("\n")[1] ?? "";
    const pem = (last: string) => pemArmor("PRIVATE KEY", `${LONG}\n${last}`);

    it("a letters-only short line is never registered alone, so ordinary words stay readable", () => {
      const pieces = secretPieces(pem("main"), { acrossLines: false });
      assert.equal(pieces.includes("main"), false);
      assert.equal(applyMasks("pushed to main", pieces), "pushed to main");
      for (const joined of [`${LONG}main`, `${LONG} main`, `${LONG}\\nmain`, `${LONG}\\r\\nmain`]) {
        assert.ok(pieces.includes(joined), joined);
      }
      assert.ok(!pieces.some((piece) => piece.includes("\n")), "the runner never sees a newline in a line");
      assert.ok(secretPieces(pem("main"), { acrossLines: true }).includes(`${LONG}\nmain`));
    });

    it("a short line that cannot be a word is registered alone too; armor and blank lines never are", () => {
      for (const last of ["Aw==", "xQ9=", "ab+/", "k3Zq"]) {
        const pieces = secretPieces(pem(last), { acrossLines: false });
        assert.ok(pieces.includes(last), last);
        assert.ok(!pieces.some((piece) => piece.startsWith("-----") || piece === ""), last);
      }
      assert.equal(secretPieces(pem("A="), { acrossLines: false }).includes("A="), false, "too short alone");
    });

    it("a one-line secret is registered whole; a blank one not at all", () => {
      assert.deepEqual(secretPieces("s3cr3t", { acrossLines: false }), ["s3cr3t"]);
      assert.deepEqual(secretPieces(" \n ", { acrossLines: true }), []);
    });
  });
});

/** The PKCS#8 PEM fn-context writes for a key given in any form. */
function pkcs8Of(pem: string): string {
  return createPrivateKey(pem).export({ type: "pkcs8", format: "pem" }).toString();
}

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
