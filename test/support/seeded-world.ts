// The world `npm run demo` deploys into and `npm run emulators` serves to tools outside the process: the
// emulator stack with one tenancy and a user whose API key is registered, an application (demo-app),
// an API gateway, the policy that lets API gateways call functions, an Entra tenant with the API
// (api://my-oci-api, role Invoke) and a client allowed to call it, and, where Debian's docker-registry
// is installed, a registry that takes the user's auth token. Keys and secrets are made per run.
import { randomBytes } from "node:crypto";
import {
  REGISTRY_BINARY,
  type StartedRegistry,
  startRegistry,
} from "../emulators/registry/start-registry.ts";
import { type EmulatorStack, startEmulatorStack } from "../emulators/stack.ts";
import { seedGatewayFunctionsPolicy } from "./gateway-policy.ts";
import { generateTestKey, type TestKey } from "./keys.ts";
import { executableExists } from "./real-components.ts";

export interface SeededWorld {
  stack: EmulatorStack;
  /** Absent without Debian's docker-registry: then only fn-context and the gateway can run. */
  registry?: StartedRegistry;
  namespace: string;
  key: TestKey;
  /** The root action's (`fngate pipeline`'s) inputs that hold no secret, but the function's source. */
  inputs: Record<string, string>;
  /** Its secret inputs: private-key, auth-token (with a registry) and client-secret. */
  secrets: Record<string, string>;
  /** FNGATE_OCI_ENDPOINT and NODE_EXTRA_CA_CERTS: what points the actions and the CLI at the stack. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startSeededWorld(): Promise<SeededWorld> {
  const stack = await startEmulatorStack();
  const { state } = stack.oci;
  const key = generateTestKey();
  const tenancy = state.createTenancy({ name: "fngate-demo" });
  const user = state.createUser({ tenancyId: tenancy.id, name: "demo-user", publicKeyPem: key.publicPem });
  const authToken = `demo-auth-token-${randomBytes(8).toString("hex")}`;
  const clientSecret = `demo-client-secret-${randomBytes(8).toString("hex")}`;
  let registry: StartedRegistry | undefined;
  if (await executableExists(REGISTRY_BINARY)) {
    const login = { username: `${tenancy.namespace}/demo-user`, password: authToken };
    registry = await startRegistry({ users: [login] });
    stack.oci.setRegistry({ url: registry.url, ...login });
  }
  state.fn.createApplication({ compartmentId: tenancy.id, displayName: "demo-app" });
  const gatewayId = state.apigw.createGateway({ compartmentId: tenancy.id, displayName: "demo-gateway" }).id;
  // A real tenancy needs this once: the policy that lets API gateways call functions.
  seedGatewayFunctionsPolicy(state, tenancy.id);
  const { entra } = stack;
  const tenantId = entra.addTenant();
  const api = entra.addApiApp(tenantId, {
    identifierUris: ["api://my-oci-api"],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }],
  });
  const client = entra.addClientApp(tenantId, {
    secrets: [{ value: clientSecret }],
    roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
  });
  return {
    stack,
    ...(registry ? { registry } : {}),
    namespace: tenancy.namespace,
    key,
    inputs: {
      "tenancy-ocid": tenancy.id,
      "user-ocid": user.id,
      fingerprint: key.fingerprint,
      region: "ap-tokyo-1",
      "compartment-ocid": tenancy.id,
      ...(registry ? { registry: registry.host, username: "demo-user" } : {}),
      application: "demo-app",
      function: "hello",
      "gateway-ocid": gatewayId,
      deployment: "demo",
      "path-prefix": "/demo",
      "route-path": "/hello",
      "entra-tenant-id": tenantId,
      "authority-host": entra.host,
      audiences: "api://my-oci-api",
      "client-id": client.appId,
      scope: "api://my-oci-api/.default",
      "expect-body": '{"message":"Hello World"}',
    },
    secrets: {
      "private-key": key.pkcs8,
      ...(registry ? { "auth-token": authToken } : {}),
      "client-secret": clientSecret,
    },
    env: { FNGATE_OCI_ENDPOINT: stack.endpoints.oci, NODE_EXTRA_CA_CERTS: stack.caFile },
    close: async () => {
      try {
        await registry?.close();
      } finally {
        await stack.close();
      }
    },
  };
}
