// The world a benchmark runs the CLI against: every emulator with chosen cloud latencies, the real
// registry wired into the OCI emulator, one tenancy and user, an application, a gateway, an Entra
// tenant with an API app and a client app, and the example function directory.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type StartedRegistry, startRegistry } from "../test/emulators/registry/start-registry.ts";
import { type EmulatorStack, startEmulatorStack } from "../test/emulators/stack.ts";
import { seedGatewayFunctionsPolicy } from "../test/support/gateway-policy.ts";
import { generateTestKey } from "../test/support/keys.ts";

export interface Latencies {
  /** How long a created or updated function stays CREATING/UPDATING. */
  functionActiveMs: number;
  /** A gateway work request: ACCEPTED, then IN_PROGRESS, for this long in total (1:4). */
  workRequestMs: number;
  /** From the work request's end until the gateway serves the new routes. */
  propagationMs: number;
}

export function injectedMs(latencies: Latencies): number {
  return latencies.functionActiveMs + latencies.workRequestMs + latencies.propagationMs;
}

/**
 * The least time any pipeline can take with these latencies: the function's ACTIVE wait and the
 * gateway's work request can run together (the gateway needs only the function's OCID), then the
 * gateway propagates. No tool can beat it; what is above it is the pipeline's own time.
 */
export function criticalPathMs(latencies: Latencies): number {
  return Math.max(latencies.functionActiveMs, latencies.workRequestMs) + latencies.propagationMs;
}

export interface BenchWorld {
  stack: EmulatorStack;
  tenancyId: string;
  namespace: string;
  applicationId: string;
  gatewayId: string;
  registry: StartedRegistry;
  authToken: string;
  clientSecret: string;
  functionDir: string;
  /** Environment every CLI run gets: the emulator endpoints, the CA, and the secrets. */
  env: Record<string, string>;
  /** Public pipeline flags (secrets are in env) for a function and deployment called `name`. */
  pipelineFlags(name: string): Record<string, string>;
  close(): Promise<void>;
}

export async function startBenchWorld(latencies: Latencies): Promise<BenchWorld> {
  const stack = await startEmulatorStack({
    functionActiveDelayMs: latencies.functionActiveMs,
    apiGateway: {
      workRequestAcceptedMs: latencies.workRequestMs / 5,
      workRequestInProgressMs: (latencies.workRequestMs * 4) / 5,
      propagationDelayMs: latencies.propagationMs,
    },
  });
  const key = generateTestKey();
  const { state } = stack.oci;
  const tenancy = state.createTenancy({ name: "fngate-bench" });
  const user = state.createUser({ tenancyId: tenancy.id, name: "bench", publicKeyPem: key.publicPem });
  const authToken = `ocir-bench-${process.pid}`;
  const clientSecret = `cs~bench.${process.pid}_secret`;
  const registryUser = { username: `${tenancy.namespace}/ci-user`, password: authToken };
  const registry = await startRegistry({ users: [registryUser] });
  stack.oci.setRegistry({ url: registry.url, ...registryUser });
  const applicationId = state.fn.createApplication({ compartmentId: tenancy.id, displayName: "apps" }).id;
  const gatewayId = state.apigw.createGateway({ compartmentId: tenancy.id, displayName: "public" }).id;
  seedGatewayFunctionsPolicy(state, tenancy.id);
  const tenantId = stack.entra.addTenant();
  const api = stack.entra.addApiApp(tenantId, {
    identifierUris: ["api://bench"],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }],
  });
  const client = stack.entra.addClientApp(tenantId, {
    secrets: [{ value: clientSecret }],
    roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
  });
  const functionDir = await mkdtemp(join(tmpdir(), "fngate-bench-hello-"));
  await cp(resolve(import.meta.dirname, "../examples/hello"), functionDir, { recursive: true });
  // FROM scratch: nothing can be pulled here; the emulator runs the example's code through the FDK.
  await writeFile(join(functionDir, "Dockerfile"), "FROM scratch\nCOPY func.js /function/func.js\n");
  return {
    stack,
    tenancyId: tenancy.id,
    namespace: tenancy.namespace,
    applicationId,
    gatewayId,
    registry,
    authToken,
    clientSecret,
    functionDir,
    env: {
      FNGATE_OCI_ENDPOINT: stack.endpoints.oci,
      NODE_EXTRA_CA_CERTS: stack.caFile,
      FNGATE_PRIVATE_KEY: key.pkcs8,
      FNGATE_AUTH_TOKEN: authToken,
      FNGATE_CLIENT_SECRET: clientSecret,
      FNGATE_GIT_SHA: "0123456789abcdef",
    },
    pipelineFlags: (name) => ({
      "user-ocid": user.id,
      "tenancy-ocid": tenancy.id,
      fingerprint: key.fingerprint,
      region: "ap-tokyo-1",
      "compartment-ocid": tenancy.id,
      username: "ci-user",
      registry: registry.host,
      application: "apps",
      function: name,
      // Relative to the CLI job's working directory, functionDir (cliJob(world.env, world.functionDir)).
      path: ".",
      "gateway-ocid": gatewayId,
      deployment: name,
      "path-prefix": `/${name}`,
      "route-path": "/hello",
      "entra-tenant-id": tenantId,
      "authority-host": stack.entra.host,
      audiences: "api://bench",
      "client-id": client.appId,
      scope: "api://bench/.default",
      "expect-body": '{"message":"Hello World"}',
    }),
    close: async () => {
      await registry.close();
      await stack.close();
      await rm(functionDir, { recursive: true, force: true });
    },
  };
}
