import assert from "node:assert/strict";
import type { Application } from "../emulators/entra/directory.ts";
import { startTestIssuer, type TestIssuer } from "../emulators/gateway/test-issuer.ts";
import type { CompartmentRecord, PolicyRecord } from "../emulators/oci/identity-store.ts";
import { isMutating } from "../emulators/oci/request-log.ts";
import { Job, type StepResult } from "../runner/index.ts";
import { seedGatewayFunctionsPolicy } from "./gateway-policy.ts";
import { type OciFixture, startOciFixture } from "./oci-fixture.ts";

/**
 * A tenancy laid out as a real one is before a first deploy, for the preflight tests: compartments
 * `apps` (a Functions application "fngate" with a function, a private and a public OCIR repository) and
 * `network` (an ACTIVE gateway and one still CREATING); an Entra tenant with a v1 and a v2 API app and a
 * client; and an HTTPS issuer of our own whose JWKS size and advertised issuer a test sets. The gateway
 * → functions policy is seeded on demand, so each test chooses whether it exists.
 */
/** One row of preflight's results output. */
export interface PreflightRow {
  check: string;
  status: "ok" | "missing" | "cannot tell";
  detail: string;
  fix?: string;
  blocks: boolean;
}

export function rowOf(rows: PreflightRow[], check: string): PreflightRow {
  const found = rows.find((candidate) => candidate.check === check);
  assert.ok(found, `a row for ${check} in ${JSON.stringify(rows.map((r) => r.check))}`);
  return found;
}

/** Text or a pattern a row's field must equal or match. */
type Expected = string | RegExp;

/**
 * The row for `check`, asserted to read `status` ("missing (blocks)" when it blocks, as statusesOf
 * writes it) and, when given, to have that detail and fix.
 */
export function expectRow(
  rows: PreflightRow[],
  check: string,
  status: string,
  want: { detail?: Expected; fix?: Expected } = {},
): PreflightRow {
  const found = rowOf(rows, check);
  assert.equal(`${found.status}${found.blocks ? " (blocks)" : ""}`, status, check);
  for (const field of ["detail", "fix"] as const) {
    const expected = want[field];
    if (typeof expected === "string") assert.equal(found[field], expected);
    else if (expected) assert.match(found[field] ?? "", expected);
  }
  return found;
}

/** `status (blocks) check` per row, to compare a whole result at once. */
export function statusesOf(rows: PreflightRow[]): string[] {
  return rows.map((r) => `${r.status}${r.blocks ? " (blocks)" : ""} ${r.check}`);
}

/** The start of the one error line of a preflight that found a miss that would fail the deploy. */
export const BLOCKED = /^preflight: \d+ checks? would fail the deploy, nothing was changed: /;

export interface PreflightWorld {
  oci: OciFixture;
  apps: CompartmentRecord;
  network: CompartmentRecord;
  functionId: string;
  gatewayId: string;
  creatingGatewayId: string;
  tenantId: string;
  apiV1: Application;
  apiV2: Application;
  clientSecret: string;
  client: Application;
  /** The issuer of our own, advertising its own URL and serving two keys until a test changes them. */
  issuer: TestIssuer;
  /** Seeds Oracle's statement for network's gateways and apps' functions; returns it for removal. */
  allowGateway(): PolicyRecord;
  mutatingCalls(): number;
  /** A job that has run fn-context, as a workflow would (the world's own, disposed by close). */
  job: Job;
  /** Runs the preflight action in `on` (the world's job by default), asserting it made no mutating OCI call. */
  preflight(inputs: Record<string, string>, on?: Job): Promise<{ run: StepResult; rows: PreflightRow[] }>;
  /** Inputs for the OCI checks, all satisfied but the policy (seed it with allowGateway). */
  ociInputs(overrides?: Record<string, string>): Record<string, string>;
  /** Inputs for the token checks: the Entra tenant, its login host, the v1 API's audience. */
  entraInputs(overrides?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startPreflightWorld(): Promise<PreflightWorld> {
  const oci = await startOciFixture();
  const { state } = oci.stack.oci;
  const apps = state.iam.createCompartment({ parentId: oci.tenancyId, name: "apps" });
  const network = state.iam.createCompartment({ parentId: oci.tenancyId, name: "network" });
  const applicationId = state.fn.createApplication({ compartmentId: apps.id, displayName: "fngate" }).id;
  const image = `ocir.ap-tokyo-1.oci.oraclecloud.com/${oci.namespace}/fngate/hello:0.0.1`;
  const functionId = state.fn.createFunction({
    applicationId,
    displayName: "hello",
    image,
    memoryInMBs: 256,
  }).id;
  state.artifacts.createContainerRepository({
    compartmentId: apps.id,
    displayName: "fngate/hello",
    isPublic: false,
  });
  state.artifacts.createContainerRepository({
    compartmentId: apps.id,
    displayName: "fngate/open",
    isPublic: true,
  });
  const gatewayId = state.apigw.createGateway({ compartmentId: network.id, displayName: "public" }).id;
  const creating = state.apigw.createGateway({ compartmentId: network.id, displayName: "new" });
  creating.lifecycleState = "CREATING";
  const { entra } = oci.stack;
  const tenantId = entra.addTenant();
  const apiV1 = entra.addApiApp(tenantId, {
    identifierUris: ["api://fngate-v1"],
    accessTokenAcceptedVersion: 1,
  });
  const apiV2 = entra.addApiApp(tenantId, {
    identifierUris: ["api://fngate-v2"],
    accessTokenAcceptedVersion: 2,
  });
  const clientSecret = `cs~${process.pid}.preflight`;
  const client = entra.addClientApp(tenantId, { secrets: [{ value: clientSecret }] });

  const issuer = await startTestIssuer(oci.stack.tls);
  issuer.advertise(issuer.url);
  await issuer.serveKeys(2);
  const mutatingCalls = () => oci.stack.oci.requests.filter(isMutating).length;
  const job = await Job.create({ env: oci.env });
  const context = await job.run("fn-context", { inputs: oci.inputs() });
  assert.equal(context.exitCode, 0, context.stdout);

  return {
    oci,
    apps,
    network,
    functionId,
    gatewayId,
    creatingGatewayId: creating.id,
    tenantId,
    apiV1,
    apiV2,
    clientSecret,
    client,
    issuer,
    allowGateway: () => seedGatewayFunctionsPolicy(state, apps.id, network.id),
    mutatingCalls,
    job,
    preflight: async (inputs, on = job) => {
      const before = mutatingCalls();
      const run = await on.run("preflight", { inputs });
      assert.equal(mutatingCalls(), before, "preflight made a mutating OCI call");
      return { run, rows: JSON.parse(run.outputs.results ?? "[]") as PreflightRow[] };
    },
    ociInputs: (overrides = {}) => ({
      "compartment-ocid": apps.id,
      application: "fngate",
      repository: "fngate/hello",
      "gateway-ocid": gatewayId,
      ...overrides,
    }),
    entraInputs: (overrides = {}) => ({
      "entra-tenant-id": tenantId,
      "authority-host": entra.host,
      audiences: "api://fngate-v1",
      ...overrides,
    }),
    close: async () => {
      await job.dispose();
      await issuer.close();
      await oci.close();
    },
  };
}
