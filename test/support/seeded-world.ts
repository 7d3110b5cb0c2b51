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
import type { EmulatorStack } from "../emulators/stack.ts";
import { seedGatewayFunctionsPolicy } from "./gateway-policy.ts";
import type { TestKey } from "./keys.ts";
import { startOciFixture } from "./oci-fixture.ts";
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
  // The tenancy and the user with a registered API key are the tests' OCI fixture's.
  const oci = await startOciFixture();
  const { stack, key } = oci;
  const { state } = stack.oci;
  // OCIR names a login <namespace>/<user name>; the fixture names its user ci-deployer.
  const userName = "ci-deployer";
  const authToken = `demo-auth-token-${randomBytes(8).toString("hex")}`;
  const clientSecret = `demo-client-secret-${randomBytes(8).toString("hex")}`;
  let registry: StartedRegistry | undefined;
  if (await executableExists(REGISTRY_BINARY)) {
    const login = { username: `${oci.namespace}/${userName}`, password: authToken };
    registry = await startRegistry({ users: [login] });
    stack.oci.setRegistry({ url: registry.url, ...login });
  }
  state.fn.createApplication({ compartmentId: oci.tenancyId, displayName: "demo-app" });
  const gatewayId = state.apigw.createGateway({
    compartmentId: oci.tenancyId,
    displayName: "demo-gateway",
  }).id;
  // A real tenancy needs this once: the policy that lets API gateways call functions.
  seedGatewayFunctionsPolicy(state, oci.tenancyId);
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
    namespace: oci.namespace,
    key,
    inputs: {
      ...Object.fromEntries(Object.entries(oci.inputs()).filter(([name]) => name !== "private-key")),
      "compartment-ocid": oci.tenancyId,
      ...(registry ? { registry: registry.host, username: userName } : {}),
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
    env: oci.env,
    close: async () => {
      try {
        await registry?.close();
      } finally {
        await stack.close();
      }
    },
  };
}
