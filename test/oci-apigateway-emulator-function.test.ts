// The gateway's ORACLE_FUNCTIONS_BACKEND: a deployment routing to a function whose image is in
// the real registry runs examples/hello through the Fn FDK (HTTP-gateway contract) behind the
// token check, and the caller sees the function's own response. Skips like the other invoke
// tests when the registry binary is absent outside CI.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type GatewayDataPlane, startGatewayDataPlane } from "./emulators/gateway/data-plane.ts";
import { startTestIssuer, type TestIssuer } from "./emulators/gateway/test-issuer.ts";
import { apiGatewayClients, functionsClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { registrySkip, type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

const skip = registrySkip();
if (skip) console.log(`# skipping API Gateway function backend tests: ${skip}`);

const REGISTRY_USER = { username: "fngate-ci", password: `pw-${process.pid}-${Date.now()}` };
const AUDIENCE = "api://fngate";

describe("OCI emulator: API Gateway function backend", { skip }, () => {
  let registry: StartedRegistry;
  let stack: EmulatorStack;
  let dataPlane: GatewayDataPlane;
  let issuer: TestIssuer;

  before(async () => {
    registry = await startRegistry({ users: [REGISTRY_USER] });
    stack = await startEmulatorStack({
      registry: { url: registry.url, ...REGISTRY_USER },
      functionActiveDelayMs: 0,
    });
    trustCaInProcess(stack.caPem);
    Object.assign(stack.oci.state.apigw.timings, { workRequestAcceptedMs: 0, workRequestInProgressMs: 0 });
    dataPlane = await startGatewayDataPlane({ tls: stack.tls, oci: stack.oci });
    issuer = await startTestIssuer(stack.tls);
  });

  after(async () => {
    await dataPlane?.close();
    await issuer?.close();
    await stack?.close();
    await registry?.close();
  });

  test("a valid token gets the function's answer; none gets 401 without calling it", async () => {
    const { tenancy, me } = seedApiKeyCaller(stack.oci.state, "acme");
    const repository = `${tenancy.namespace}/fngate/hello`;
    await pushImage({ registry: { url: registry.url, ...REGISTRY_USER }, repository, tag: "0.0.1" });
    const applicationId = stack.oci.state.createApplication({
      compartmentId: tenancy.id,
      displayName: "fngate",
    }).id;
    const { management } = functionsClients(stack.endpoints.oci, me);
    const fn = await management.createFunction({
      createFunctionDetails: {
        applicationId,
        displayName: "hello",
        image: `ocir.us-phoenix-1.oci.oraclecloud.com/${repository}:0.0.1`,
        memoryInMBs: 256,
      },
    });
    const gatewayId = stack.oci.state.createGateway({ compartmentId: tenancy.id }).id;
    const { deployment } = apiGatewayClients(stack.endpoints.oci, me);
    const created = await deployment.createDeployment({
      createDeploymentDetails: {
        gatewayId,
        compartmentId: tenancy.id,
        pathPrefix: "/hello",
        specification: {
          requestPolicies: {
            authentication: {
              type: "TOKEN_AUTHENTICATION",
              tokenHeader: "Authorization",
              tokenAuthScheme: "Bearer",
              validationPolicy: {
                type: "REMOTE_JWKS",
                uri: issuer.jwksUri,
                additionalValidationPolicy: { issuers: [issuer.issuer], audiences: [AUDIENCE] },
              },
            } as never,
          },
          routes: [
            {
              path: "/",
              methods: ["GET", "POST"] as never,
              backend: { type: "ORACLE_FUNCTIONS_BACKEND", functionId: fn.function.id } as never,
            },
          ],
        },
      },
    });
    const { endpoint } = (await deployment.getDeployment({ deploymentId: created.deployment.id })).deployment;
    const authorization = `Bearer ${await issuer.mint({ aud: AUDIENCE })}`;

    const unauthenticated = await fetch(`${endpoint}/`);
    assert.equal(unauthenticated.status, 401);
    assert.equal(stack.oci.functionLogs(fn.function.id), "", "no function process was started");

    const hello = await fetch(`${endpoint}/`, { headers: { authorization } });
    assert.equal(hello.status, 200);
    assert.deepEqual(await hello.json(), { message: "Hello World" });
    const named = await fetch(`${endpoint}/`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ name: "Ada" }),
    });
    assert.equal(named.status, 200);
    assert.deepEqual(await named.json(), { message: "Hello Ada" });
  });
});
