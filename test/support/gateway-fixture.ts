import assert from "node:assert/strict";
import { isMutating } from "../emulators/oci/request-log.ts";
import { pushImage } from "../emulators/registry/push-image.ts";
import { type StartedRegistry, startRegistry } from "../emulators/registry/start-registry.ts";
import { Job, type StepResult } from "../runner/index.ts";
import { seedGatewayFunctionsPolicy } from "./gateway-policy.ts";
import { type OciFixture, startOciFixture } from "./oci-fixture.ts";
import { executableExists } from "./real-components.ts";

/**
 * What the gateway-deploy tests share: the emulator stack with an application holding two functions
 * ("hello" and "other"), a gateway and an Entra tenant, and, when asked and present, the real registry
 * holding the functions' image so a call through the data plane reaches the function.
 */
export const GATEWAY_AUDIENCE = "api://fngate-hello";
const REGISTRY_USER = { username: "fngate-ci", password: `pw-${process.pid}-${Date.now()}` };

export interface GatewayFixture {
  oci: OciFixture;
  registry: StartedRegistry | undefined;
  gatewayId: string;
  tenantId: string;
  fnHello: string;
  fnOther: string;
  /** A job that has run fn-context, as a workflow would. */
  preparedJob(): Promise<Job>;
  /** gateway-deploy inputs for a deployment named `deployment` under /<deployment>. */
  inputs(deployment: string, overrides?: Record<string, string>): Record<string, string>;
  /** Runs gateway-deploy and expects success. */
  deploy(job: Job, inputs: Record<string, string>): Promise<StepResult>;
  /** The stored routes as "METHODS /path -> hello|other". */
  routesOf(deploymentId: string | undefined): string[];
  mutatingCalls(): number;
  close(): Promise<void>;
}

export async function startGatewayFixture(options: { registry?: boolean } = {}): Promise<GatewayFixture> {
  const oci = await startOciFixture();
  const { state } = oci.stack.oci;
  const repository = `${oci.namespace}/fngate/hello`;
  let registry: StartedRegistry | undefined;
  if (options.registry && (await executableExists("/usr/bin/docker-registry"))) {
    registry = await startRegistry({ users: [REGISTRY_USER] });
    oci.stack.oci.setRegistry({ url: registry.url, ...REGISTRY_USER });
    await pushImage({ registry: { url: registry.url, ...REGISTRY_USER }, repository, tag: "0.0.1" });
  }
  const applicationId = state.fn.createApplication({
    compartmentId: oci.tenancyId,
    displayName: "fngate",
  }).id;
  const image = `ocir.us-phoenix-1.oci.oraclecloud.com/${repository}:0.0.1`;
  const fnHello = state.fn.createFunction({
    applicationId,
    displayName: "hello",
    image,
    memoryInMBs: 256,
  }).id;
  const fnOther = state.fn.createFunction({
    applicationId,
    displayName: "other",
    image,
    memoryInMBs: 256,
  }).id;
  const gatewayId = state.apigw.createGateway({ compartmentId: oci.tenancyId, displayName: "fngate-gw" }).id;
  seedGatewayFunctionsPolicy(state, oci.tenancyId);
  const tenantId = oci.stack.entra.addTenant();
  return {
    oci,
    registry,
    gatewayId,
    tenantId,
    fnHello,
    fnOther,
    preparedJob: async () => {
      const job = await Job.create({ env: oci.env });
      const context = await job.run("fn-context", { inputs: oci.inputs() });
      assert.equal(context.exitCode, 0, context.stdout);
      return job;
    },
    inputs: (deployment, overrides = {}) => ({
      "gateway-ocid": gatewayId,
      "compartment-ocid": oci.tenancyId,
      deployment,
      "path-prefix": `/${deployment}`,
      "function-id": fnHello,
      "entra-tenant-id": tenantId,
      "authority-host": oci.stack.entra.host,
      audiences: GATEWAY_AUDIENCE,
      ...overrides,
    }),
    deploy: async (job, inputs) => {
      const run = await job.run("gateway-deploy", { inputs });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      return run;
    },
    routesOf: (deploymentId) => {
      const deployment = state.apigw.deployments.get(deploymentId ?? "");
      assert.ok(deployment, `deployment ${deploymentId} exists`);
      return (deployment.specification.routes as Record<string, unknown>[]).map((route) => {
        const backend = route.backend as Record<string, unknown>;
        return `${(route.methods as string[]).join(",")} ${String(route.path)} -> ${backend.functionId === fnHello ? "hello" : "other"}`;
      });
    },
    mutatingCalls: () => oci.stack.oci.requests.filter(isMutating).length,
    close: async () => {
      await registry?.close();
      await oci.close();
    },
  };
}
