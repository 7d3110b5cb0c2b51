// gateway-deploy refuses bad input before changing anything, with one error line naming the input.
// The table runs in process (test/support/input-table.ts): refused before any call. An http:// JWKS, and
// the routes left without authentication (which depends on the deployment read from OCI), run the built
// action after fn-context, as a workflow would: exit 1, one ::error:: line, no stack trace, no mutating
// call in the emulator.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newOcid } from "./emulators/oci/ocid.ts";
import { type GatewayFixture, startGatewayFixture } from "./support/gateway-fixture.ts";
import { actionRefusal, actionVerdict } from "./support/input-table.ts";

type Cases = Record<string, [Record<string, string>, RegExp]>;

describe("gateway-deploy refuses bad input before any call", () => {
  const inputs = (overrides: Record<string, string> = {}) => ({
    "gateway-ocid": newOcid("apigateway", "ap-tokyo-1"),
    "compartment-ocid": newOcid("tenancy"),
    deployment: "refused",
    "path-prefix": "/refused",
    "function-id": newOcid("fnfunc", "ap-tokyo-1"),
    "entra-tenant-id": "3f1c4c5e-8d2a-4b7e-9a61-0c2d4e6f8a10",
    audiences: "api://fngate-hello",
    ...overrides,
  });
  // What fn-context exports for the steps after it.
  const env = { OCI_CLI_CONFIG_FILE: "/home/runner/.oci/config", OCI_CLI_PROFILE: "DEFAULT" };
  const cases: Cases = {
    "no audiences": [{ audiences: "" }, /^audiences is required/],
    "bad YAML routes": [
      { "function-id": "", routes: "- path: /a\n  methods: [GET" },
      /^routes is not valid YAML/,
    ],
    "an unknown method": [{ "route-methods": "GET,FETCH" }, /^route-methods: "FETCH" is not a method/],
    "a path without /": [{ "route-path": "hello" }, /^route-path "hello" must start with "\/"/],
    "jwks-cache-hours 0": [
      { "jwks-cache-hours": "0" },
      /^jwks-cache-hours must be a whole number from 1 to 24/,
    ],
  };

  it("the inputs the cases start from pass every check", async () => {
    assert.equal((await actionVerdict("gateway-deploy", { inputs: inputs(), env })).outcome, "accepted");
  });
  for (const [name, [overrides, message]] of Object.entries(cases)) {
    it(name, async () => {
      assert.match(await actionRefusal("gateway-deploy", { inputs: inputs(overrides), env }), message);
    });
  }
  it("no OCI profile: fn-context first", async () => {
    assert.match(
      await actionRefusal("gateway-deploy", { inputs: inputs() }),
      /^no OCI profile: run fn-context/,
    );
  });
});

describe("gateway-deploy as the runner runs it: exit 1, one line, no change", () => {
  let gw: GatewayFixture;
  before(async () => {
    gw = await startGatewayFixture({ registry: false });
  });
  after(async () => {
    await gw?.close();
  });

  const cases: Cases = {
    "an http:// JWKS": [
      { "entra-tenant-id": "", "jwks-uri": "http://keys.test/jwks" },
      /^jwks-uri must be an https:\/\/ URL/,
    ],
    "a route without authentication": [
      { "entra-tenant-id": "", audiences: "" },
      /no authentication: set entra-tenant-id .*allow-anonymous: true/,
    ],
  };
  for (const [name, [overrides, message]] of Object.entries(cases)) {
    it(name, async () => {
      const job = await gw.preparedJob();
      try {
        const before = gw.mutatingCalls();
        const run = await job.run("gateway-deploy", { inputs: gw.inputs("refused", overrides) });
        assert.equal(run.exitCode, 1);
        const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
        assert.equal(errors.length, 1, run.stdout + run.stderr);
        assert.match(errors[0] ?? "", message);
        assert.doesNotMatch(run.stdout + run.stderr, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
        assert.equal(gw.mutatingCalls(), before, "a refused run made a mutating call");
      } finally {
        await job.dispose();
      }
    });
  }
});
