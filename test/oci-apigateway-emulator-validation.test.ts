// Deployment specifications the OCI emulator refuses, through the real DeploymentClient: each is
// a 400 InvalidParameter (or MissingParameter) naming the field, as OCI answers, so a step that
// builds a wrong spec fails here the way it would against Oracle Cloud.
import { after, before, describe, test } from "node:test";
import * as common from "oci-common";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { type ApiKeyIdentity, apiGatewayClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

const NO_RETRY = { retryConfiguration: common.NoRetryConfigurationDetails };
const STOCK = { type: "STOCK_RESPONSE_BACKEND", status: 200, body: "ok" };
const JWKS = { type: "REMOTE_JWKS", uri: "https://login.example.test/keys", maxCacheDurationInHours: 1 };

function tokenAuth(overrides: Record<string, unknown> = {}) {
  return {
    type: "TOKEN_AUTHENTICATION",
    tokenHeader: "Authorization",
    tokenAuthScheme: "Bearer",
    validationPolicy: { ...JWKS, additionalValidationPolicy: { audiences: ["api://fngate"] } },
    ...overrides,
  };
}

function withAuth(authentication: unknown, route: Record<string, unknown> = {}) {
  return { requestPolicies: { authentication }, routes: [{ path: "/hello", backend: STOCK, ...route }] };
}

const CASES: Array<{ name: string; pathPrefix?: string; specification: unknown; message: RegExp }> = [
  {
    name: "a path prefix without a leading slash",
    pathPrefix: "v1",
    specification: {},
    message: /pathPrefix must start with "\/"/,
  },
  {
    name: "a route path without a leading slash",
    specification: { routes: [{ path: "hello", backend: STOCK }] },
    message: /routes\[0\]\.path must start with "\/"/,
  },
  {
    name: "an unknown method",
    specification: { routes: [{ path: "/hello", methods: ["FETCH"], backend: STOCK }] },
    message: /routes\[0\]\.methods\[0\] must be one of/,
  },
  {
    name: "a route without a backend",
    specification: { routes: [{ path: "/hello" }] },
    message: /routes\[0\]\.backend is required/,
  },
  {
    name: "an unknown backend type",
    specification: { routes: [{ path: "/hello", backend: { type: "LAMBDA_BACKEND" } }] },
    message: /routes\[0\]\.backend\.type "LAMBDA_BACKEND" must be one of/,
  },
  {
    name: "a function backend naming no function",
    specification: {
      routes: [
        {
          path: "/hello",
          backend: { type: "ORACLE_FUNCTIONS_BACKEND", functionId: "ocid1.fnfunc.oc1.phx.aaaaaaaanothere" },
        },
      ],
    },
    message: /routes\[0\]\.backend\.functionId .* is not a function you can access/,
  },
  {
    name: "token authentication with neither tokenHeader nor tokenQueryParam",
    specification: withAuth(tokenAuth({ tokenHeader: undefined, tokenAuthScheme: undefined })),
    message: /authentication needs exactly one of tokenHeader and tokenQueryParam/,
  },
  {
    name: "tokenHeader without tokenAuthScheme",
    specification: withAuth(tokenAuth({ tokenAuthScheme: undefined })),
    message: /authentication\.tokenAuthScheme is required with tokenHeader/,
  },
  {
    name: "a JWKS uri that is not https",
    specification: withAuth(
      tokenAuth({ validationPolicy: { ...JWKS, uri: "http://login.example.test/keys" } }),
    ),
    message: /validationPolicy\.uri must be an https URL/,
  },
  {
    name: "a JWKS cache duration over 24 hours",
    specification: withAuth(tokenAuth({ validationPolicy: { ...JWKS, maxCacheDurationInHours: 48 } })),
    message: /maxCacheDurationInHours must be between 1 and 24/,
  },
  {
    name: "isAnonymousAccessAllowed that is not a boolean",
    specification: withAuth(tokenAuth({ isAnonymousAccessAllowed: "yes" })),
    message: /authentication\.isAnonymousAccessAllowed must be a boolean/,
  },
  {
    name: "JWT authentication with an empty issuers list",
    specification: withAuth({
      type: "JWT_AUTHENTICATION",
      tokenHeader: "Authorization",
      tokenAuthScheme: "Bearer",
      issuers: [],
      audiences: ["api://fngate"],
      publicKeys: JWKS,
    }),
    message: /authentication\.issuers must be a non-empty list/,
  },
  {
    name: "an ANONYMOUS route where anonymous access is not allowed",
    specification: withAuth(tokenAuth(), { requestPolicies: { authorization: { type: "ANONYMOUS" } } }),
    message: /authorization\.type ANONYMOUS needs isAnonymousAccessAllowed/,
  },
  {
    name: "ANY_OF without scopes",
    specification: withAuth(tokenAuth(), {
      requestPolicies: { authorization: { type: "ANY_OF", allowedScope: [] } },
    }),
    message: /authorization\.allowedScope must be a non-empty list/,
  },
];

describe("OCI emulator: API Gateway specification validation", () => {
  let stack: EmulatorStack;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;
  let gatewayId: string;

  before(async () => {
    stack = await startEmulatorStack();
    trustCaInProcess(stack.caPem);
    ({ tenancy, me } = seedApiKeyCaller(stack.oci.state, "acme"));
    gatewayId = stack.oci.state.createGateway({ compartmentId: tenancy.id }).id;
  });

  after(async () => {
    await stack?.close();
  });

  for (const item of CASES) {
    test(`refuses ${item.name}`, async () => {
      const { deployment } = apiGatewayClients(stack.endpoints.oci, me);
      await rejectsWith(
        deployment.createDeployment({
          createDeploymentDetails: {
            gatewayId,
            compartmentId: tenancy.id,
            pathPrefix: item.pathPrefix ?? "/v1",
            specification: item.specification as never,
          },
          ...NO_RETRY,
        }),
        400,
        "InvalidParameter",
        item.message,
      );
    });
  }

  test("an unknown gateway is 404, and nothing was created by the refused calls", async () => {
    const { deployment } = apiGatewayClients(stack.endpoints.oci, me);
    await rejectsWith(
      deployment.createDeployment({
        createDeploymentDetails: {
          gatewayId: "ocid1.apigateway.oc1.phx.aaaaaaaanothere",
          compartmentId: tenancy.id,
          pathPrefix: "/v1",
          specification: { routes: [] },
        },
        ...NO_RETRY,
      }),
      404,
      "NotAuthorizedOrNotFound",
    );
    const listed = await deployment.listDeployments({ compartmentId: tenancy.id });
    if (listed.deploymentCollection.items.length !== 0) throw new Error("a refused create left a deployment");
  });
});
