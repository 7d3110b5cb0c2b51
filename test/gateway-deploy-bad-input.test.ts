// gateway-deploy refuses bad input before changing anything: one error line naming the input, and
// no mutating call in the OCI emulator's request log.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { StepResult } from "./runner/index.ts";
import { type GatewayFixture, startGatewayFixture } from "./support/gateway-fixture.ts";

let gw: GatewayFixture;

before(async () => {
  gw = await startGatewayFixture({ registry: false });
});
after(async () => {
  await gw?.close();
});

const preparedJob = () => gw.preparedJob();
const mutatingCalls = () => gw.mutatingCalls();
const inputs = (deployment: string, overrides: Record<string, string> = {}) =>
  gw.inputs(deployment, overrides);

function errorsOf(run: StepResult): string[] {
  return run.annotations.filter((a) => a.level === "error").map((a) => a.message);
}

describe("gateway-deploy refuses bad input with one line and no change", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      "an http:// JWKS",
      { "entra-tenant-id": "", "jwks-uri": "http://keys.test/jwks" },
      /^jwks-uri must be an https:\/\/ URL/,
    ],
    ["no audiences", { audiences: "" }, /^audiences is required/],
    [
      "a route without authentication",
      { "entra-tenant-id": "", audiences: "" },
      /no authentication: set entra-tenant-id .*allow-anonymous: true/,
    ],
    [
      "bad YAML routes",
      { "function-id": "", routes: "- path: /a\n  methods: [GET" },
      /^routes is not valid YAML/,
    ],
    ["an unknown method", { "route-methods": "GET,FETCH" }, /^route-methods: "FETCH" is not a method/],
    ["a path without /", { "route-path": "hello" }, /^route-path "hello" must start with "\/"/],
    [
      "jwks-cache-hours 0",
      { "jwks-cache-hours": "0" },
      /^jwks-cache-hours must be a whole number from 1 to 24/,
    ],
  ];
  for (const [name, overrides, message] of cases) {
    it(name, async () => {
      const job = await preparedJob();
      try {
        const before = mutatingCalls();
        const run = await job.run("gateway-deploy", { inputs: inputs("refused", overrides) });
        assert.equal(run.exitCode, 1);
        const errors = errorsOf(run);
        assert.equal(errors.length, 1, run.stdout + run.stderr);
        assert.match(errors[0] ?? "", message);
        assert.equal(mutatingCalls(), before, "a refused run made a mutating call");
      } finally {
        await job.dispose();
      }
    });
  }
});
