import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Job } from "./runner/index.ts";
import { encryptedPkcs8, generateTestKey } from "./support/keys.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";

let oci: OciFixture;
before(async () => {
  oci = await startOciFixture();
});
after(async () => {
  await oci?.close();
});

interface BadInputCase {
  name: string;
  inputs: () => Record<string, string>;
  /** The one error line a user reads: it names the input and the fix. */
  message: RegExp;
}

const otherKey = generateTestKey();
const cases: BadInputCase[] = [
  {
    name: "wrong fingerprint",
    inputs: () => oci.inputs({ fingerprint: otherKey.fingerprint }),
    message: new RegExp(
      `^fingerprint ${otherKey.fingerprint} does not match private-key, whose fingerprint is [0-9a-f:]{47}: .*API keys`,
    ),
  },
  {
    name: "fingerprint that is not one",
    inputs: () => oci.inputs({ fingerprint: "SHA256:abc" }),
    message: /^fingerprint must be 16 hex pairs/,
  },
  {
    name: "encrypted key without passphrase",
    inputs: () => oci.inputs({ "private-key": encryptedPkcs8(oci.key, "pw") }),
    message: /^private-key is encrypted: set private-key-passphrase/,
  },
  {
    name: "wrong passphrase",
    inputs: () =>
      oci.inputs({ "private-key": encryptedPkcs8(oci.key, "pw"), "private-key-passphrase": "nope" }),
    message: /^private-key-passphrase does not decrypt private-key/,
  },
  {
    name: "garbage key",
    inputs: () => oci.inputs({ "private-key": "not a key at all" }),
    message: /^private-key is not a PEM private key/,
  },
  {
    name: "public key pasted",
    inputs: () => oci.inputs({ "private-key": oci.key.publicPem }),
    message: /^private-key is a public key/,
  },
  {
    name: "malformed user OCID",
    inputs: () => oci.inputs({ "user-ocid": "ocid1.user.oc1" }),
    message: /^user-ocid is not a valid OCID/,
  },
  {
    name: "tenancy OCID given as user-ocid",
    inputs: () => oci.inputs({ "user-ocid": oci.tenancyId }),
    message: /^user-ocid must be a user OCID, but .* is a tenancy OCID/,
  },
  {
    name: "malformed tenancy OCID",
    inputs: () => oci.inputs({ "tenancy-ocid": "my-tenancy" }),
    message: /^tenancy-ocid is not a valid OCID/,
  },
  {
    name: "user OCID given as compartment-ocid",
    inputs: () => oci.inputs({ "compartment-ocid": oci.userId }),
    message: /^compartment-ocid must be a compartment or tenancy OCID/,
  },
  {
    name: "user and tenancy from different realms",
    inputs: () => oci.inputs({ "tenancy-ocid": oci.tenancyId.replace(".oc1.", ".oc2.") }),
    message: /^user-ocid is in realm oc1 but tenancy-ocid is in realm oc2/,
  },
  {
    name: "unknown region",
    inputs: () => oci.inputs({ region: "tokyo" }),
    message: /^region "tokyo" is not an OCI region identifier/,
  },
  {
    name: "region with a typo and the wrong separator",
    inputs: () => oci.inputs({ region: "ap_tokyo_1" }),
    message: /^region "ap_tokyo_1" is not an OCI region identifier.*did you mean ap-tokyo-1\?/,
  },
  {
    name: "region in another realm than the tenancy",
    inputs: () => oci.inputs({ region: "us-langley-1" }),
    message: /^region us-langley-1 is in realm oc2 but tenancy-ocid is in realm oc1/,
  },
  {
    name: "unregistered key (401 from OCI)",
    inputs: () => oci.inputs({ "private-key": otherKey.pkcs8, fingerprint: otherKey.fingerprint }),
    message:
      /^verify: OCI refused the API key \(401 NotAuthenticated\).*fingerprint [0-9a-f:]{47} is uploaded to user ocid1\.user.*verify: false/,
  },
  {
    name: "missing user-ocid",
    inputs: () => oci.inputs({ "user-ocid": "" }),
    message: /^user-ocid is required: set the input \(or the OCI_CLI_USER environment variable\)/,
  },
  {
    name: "missing private-key",
    inputs: () => oci.inputs({ "private-key": "" }),
    message: /^private-key is required/,
  },
  {
    name: "verify not a boolean",
    inputs: () => oci.inputs({ verify: "yes" }),
    message: /^verify must be true or false; got "yes"/,
  },
  {
    name: "api-url over http",
    inputs: () => oci.inputs({ "api-url": "http://functions.example" }),
    message: /^api-url must use https:\/\//,
  },
  {
    name: "registry with a scheme",
    inputs: () => oci.inputs({ registry: "https://ocir.ap-tokyo-1.oci.oraclecloud.com/ns" }),
    message: /^registry is a registry path without a scheme/,
  },
  {
    name: "profile with a bracket",
    inputs: () => oci.inputs({ profile: "CI]" }),
    message: /^profile "CI]" must be letters/,
  },
  {
    name: "context name with a slash",
    inputs: () => oci.inputs({ "context-name": "../evil" }),
    message: /^context-name "..\/evil" must be letters/,
  },
];

describe("fn-context refuses bad input with one line that names the input, exit 1, and leaves nothing behind", () => {
  it(`covers at least 12 cases (${cases.length})`, () => assert.ok(cases.length >= 12));

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const job = await Job.create({ env: oci.env });
      try {
        const before = await job.snapshot();
        const run = await job.run("fn-context", { inputs: testCase.inputs() });
        assert.equal(run.exitCode, 1, run.stdout);
        const errors = run.annotations.filter((a) => a.level === "error");
        assert.equal(errors.length, 1, run.stdout);
        assert.match(errors[0]?.message ?? "", testCase.message);
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
