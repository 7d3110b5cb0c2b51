// gateway-deploy refuses bad input before changing anything: one error line naming the input, and
// no mutating call in the OCI emulator's request log.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isMutating } from "./emulators/oci/request-log.ts";
import { Job, type StepResult } from "./runner/index.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";

const AUDIENCE = "api://fngate-hello";

let oci: OciFixture;
let gatewayId: string;
let tenantId: string;
let fnHello: string;

before(async () => {
  oci = await startOciFixture();
  const { state } = oci.stack.oci;
  const applicationId = state.createApplication({ compartmentId: oci.tenancyId, displayName: "fngate" }).id;
  const image = `ocir.us-phoenix-1.oci.oraclecloud.com/${oci.namespace}/fngate/hello:0.0.1`;
  fnHello = state.createFunction({ applicationId, displayName: "hello", image, memoryInMBs: 256 }).id;
  gatewayId = state.createGateway({ compartmentId: oci.tenancyId, displayName: "fngate-gw" }).id;
  tenantId = oci.stack.entra.addTenant();
});
after(async () => {
  await oci?.close();
});

/** A job that has run fn-context, as a workflow would. */
async function preparedJob(): Promise<Job> {
  const job = await Job.create({ env: oci.env });
  const context = await job.run("fn-context", { inputs: oci.inputs() });
  assert.equal(context.exitCode, 0, context.stdout);
  return job;
}

function inputs(deployment: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "gateway-ocid": gatewayId,
    "compartment-ocid": oci.tenancyId,
    deployment,
    "path-prefix": `/${deployment}`,
    "function-id": fnHello,
    "entra-tenant-id": tenantId,
    "authority-host": oci.stack.entra.host,
    audiences: AUDIENCE,
    ...overrides,
  };
}

function mutatingCalls(): number {
  return oci.stack.oci.requests.filter(isMutating).length;
}

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
