// fn-context refuses bad input with one line that names the input and the fix, and leaves nothing
// behind. Bad input is a table run in process (test/support/input-table.ts): refused before any call or
// file written. A bad key, and a key OCI does not know (the emulator's answer), run the built action:
// exit 1, one ::error:: line, no stack trace, no output or export, HOME and RUNNER_TEMP unchanged.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newOcid } from "./emulators/oci/ocid.ts";
import { Job } from "./runner/index.ts";
import { actionRefusal, actionVerdict } from "./support/input-table.ts";
import { encryptedPkcs8, generateTestKey } from "./support/keys.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";

const otherKey = generateTestKey();

describe("fn-context refuses bad input before any call or file", () => {
  const key = generateTestKey();
  const [TENANCY, USER] = [newOcid("tenancy"), newOcid("user")];
  const inputs = (overrides: Record<string, string> = {}) => ({
    "user-ocid": USER,
    "tenancy-ocid": TENANCY,
    fingerprint: key.fingerprint,
    "private-key": key.pkcs8,
    region: "ap-tokyo-1",
    ...overrides,
  });
  const cases: Record<string, [Record<string, string>, RegExp]> = {
    "fingerprint that is not one": [{ fingerprint: "SHA256:abc" }, /^fingerprint must be 16 hex pairs/],
    "encrypted key without passphrase": [
      { "private-key": encryptedPkcs8(key, "pw") },
      /^private-key is encrypted: set private-key-passphrase/,
    ],
    "wrong passphrase": [
      { "private-key": encryptedPkcs8(key, "pw"), "private-key-passphrase": "nope" },
      /^private-key-passphrase does not decrypt private-key/,
    ],
    "garbage key": [{ "private-key": "not a key at all" }, /^private-key is not a PEM private key/],
    "public key pasted": [{ "private-key": key.publicPem }, /^private-key is a public key/],
    "malformed user OCID": [{ "user-ocid": "ocid1.user.oc1" }, /^user-ocid is not a valid OCID/],
    "tenancy OCID given as user-ocid": [
      { "user-ocid": TENANCY },
      /^user-ocid must be a user OCID, but .* is a tenancy OCID/,
    ],
    "malformed tenancy OCID": [{ "tenancy-ocid": "my-tenancy" }, /^tenancy-ocid is not a valid OCID/],
    "user OCID given as compartment-ocid": [
      { "compartment-ocid": USER },
      /^compartment-ocid must be a compartment or tenancy OCID/,
    ],
    "user and tenancy from different realms": [
      { "tenancy-ocid": TENANCY.replace(".oc1.", ".oc2.") },
      /^user-ocid is in realm oc1 but tenancy-ocid is in realm oc2/,
    ],
    "unknown region": [{ region: "tokyo" }, /^region "tokyo" is not an OCI region identifier/],
    "region with a typo and the wrong separator": [
      { region: "ap_tokyo_1" },
      /^region "ap_tokyo_1" is not an OCI region identifier.*did you mean ap-tokyo-1\?/,
    ],
    "region in another realm than the tenancy": [
      { region: "us-langley-1" },
      /^region us-langley-1 is in realm oc2 but tenancy-ocid is in realm oc1/,
    ],
    "missing user-ocid": [
      { "user-ocid": "" },
      /^user-ocid is required: set the input \(or the OCI_CLI_USER environment variable\)/,
    ],
    "missing private-key": [{ "private-key": "" }, /^private-key is required/],
    "verify not a boolean": [{ verify: "yes" }, /^verify must be true or false; got "yes"/],
    "api-url over http": [{ "api-url": "http://functions.example" }, /^api-url must use https:\/\//],
    "registry with a scheme": [
      { registry: "https://ocir.ap-tokyo-1.oci.oraclecloud.com/ns" },
      /^registry is a registry path without a scheme/,
    ],
    "profile with a bracket": [{ profile: "CI]" }, /^profile "CI]" must be letters/],
    "context name with a slash": [{ "context-name": "../evil" }, /^context-name "..\/evil" must be letters/],
  };

  it(`covers at least 12 cases (${Object.keys(cases).length} here, 2 run for real)`, () =>
    assert.ok(Object.keys(cases).length >= 12));
  it("the inputs the cases start from pass every check (verify: false, so no call follows)", async () => {
    const verdict = await actionVerdict("fn-context", { inputs: inputs({ verify: "false" }) });
    assert.ok(
      verdict.outcome === "accepted" && verdict.written.includes(".oci/config"),
      verdict.written.join(),
    );
    assert.ok(
      verdict.masks.some((piece) => key.pkcs8.includes(piece)),
      "private-key is masked",
    );
  });
  for (const [name, [overrides, message]] of Object.entries(cases)) {
    it(name, async () =>
      assert.match(await actionRefusal("fn-context", { inputs: inputs(overrides) }), message),
    );
  }
});

describe("fn-context as the runner runs it: exit 1, one line, nothing left behind", () => {
  let oci: OciFixture;
  before(async () => {
    oci = await startOciFixture();
  });
  after(async () => {
    await oci?.close();
  });

  const cases: Record<string, [Record<string, string>, RegExp]> = {
    "wrong fingerprint": [
      { fingerprint: otherKey.fingerprint },
      new RegExp(
        `^fingerprint ${otherKey.fingerprint} does not match private-key, whose fingerprint is [0-9a-f:]{47}: .*API keys`,
      ),
    ],
    "unregistered key (401 from OCI)": [
      { "private-key": otherKey.pkcs8, fingerprint: otherKey.fingerprint },
      /^verify: OCI refused the API key \(401 NotAuthenticated\).*fingerprint [0-9a-f:]{47} is uploaded to user ocid1\.user.*verify: false/,
    ],
  };
  for (const [name, [overrides, message]] of Object.entries(cases)) {
    it(name, async () => {
      const job = await Job.create({ env: oci.env });
      try {
        const before = await job.snapshot();
        const run = await job.run("fn-context", { inputs: oci.inputs(overrides) });
        assert.equal(run.exitCode, 1, run.stdout);
        const errors = run.annotations.filter((a) => a.level === "error");
        assert.equal(errors.length, 1, run.stdout);
        assert.match(errors[0]?.message ?? "", message);
        assert.doesNotMatch(errors[0]?.message ?? "", /\n/);
        assert.doesNotMatch(run.stdout + run.stderr, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
        assert.deepEqual(await job.snapshot(), before, "nothing half-written, even before the post step");
        assert.deepEqual(run.outputs, {});
        assert.deepEqual(run.exportedEnv, {});
      } finally {
        await job.dispose();
      }
    });
  }
});
