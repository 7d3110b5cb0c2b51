// The gateway's ORACLE_FUNCTIONS_BACKEND: a deployment routing to a function whose image is in
// the real registry runs examples/hello through the Fn FDK (HTTP-gateway contract) behind the
// token check, and the caller sees the function's own response. Skips like the other invoke
// tests when the registry binary is absent outside CI.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestIssuer, type TestIssuer } from "./emulators/gateway/test-issuer.ts";
import { apiGatewayClients, functionsClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { registrySkip, type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { seedGatewayFunctionsPolicy } from "./support/gateway-policy.ts";

const skip = registrySkip();
if (skip) console.log(`# skipping API Gateway function backend tests: ${skip}`);

const REGISTRY_USER = { username: "fngate-ci", password: `pw-${process.pid}-${Date.now()}` };
const AUDIENCE = "api://fngate";

describe("OCI emulator: API Gateway function backend", { skip }, () => {
  let registry: StartedRegistry;
  let stack: EmulatorStack;
  let issuer: TestIssuer;

  before(async () => {
    registry = await startRegistry({ users: [REGISTRY_USER] });
    stack = await startEmulatorStack({
      registry: { url: registry.url, ...REGISTRY_USER },
      functionActiveDelayMs: 0,
      apiGateway: { workRequestAcceptedMs: 0, workRequestInProgressMs: 0 },
    });
    trustCaInProcess(stack.caPem);
    issuer = await startTestIssuer(stack.tls);
  });

  after(async () => {
    await issuer?.close();
    await stack?.close();
    await registry?.close();
  });

  /** examples/hello as a function in `functionsCompartment`, behind a deployment on a gateway in `gatewayCompartment`. */
  async function deployHello(
    functionsCompartment: string,
    gatewayCompartment: string,
    tenancyNamespace: string,
  ) {
    const { me } = callers.get(tenancyNamespace) ?? assert.fail("caller seeded");
    const repository = `${tenancyNamespace}/fngate/hello`;
    await pushImage({ registry: { url: registry.url, ...REGISTRY_USER }, repository, tag: "0.0.1" });
    const applicationId = stack.oci.state.createApplication({
      compartmentId: functionsCompartment,
      displayName: `fngate-${stack.oci.state.fn.applications.size}`,
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
    const gatewayId = stack.oci.state.createGateway({ compartmentId: gatewayCompartment }).id;
    const { deployment } = apiGatewayClients(stack.endpoints.oci, me);
    const created = await deployment.createDeployment({
      createDeploymentDetails: {
        gatewayId,
        compartmentId: gatewayCompartment,
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
    return { endpoint, functionId: fn.function.id };
  }

  const callers = new Map<string, ReturnType<typeof seedApiKeyCaller>>();
  function tenancyFor(name: string) {
    const caller = seedApiKeyCaller(stack.oci.state, name);
    callers.set(caller.tenancy.namespace, caller);
    return caller.tenancy;
  }

  test("a valid token gets the function's answer; none gets 401 without calling it", async () => {
    const tenancy = tenancyFor("acme");
    seedGatewayFunctionsPolicy(stack.oci.state, tenancy.id);
    const { endpoint, functionId } = await deployHello(tenancy.id, tenancy.id, tenancy.namespace);
    const authorization = `Bearer ${await issuer.mint({ aud: AUDIENCE })}`;

    const unauthenticated = await fetch(`${endpoint}/`);
    assert.equal(unauthenticated.status, 401);
    assert.equal(stack.oci.functionLogs(functionId), "", "no function process was started");

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

  test("without a policy letting API gateways use the functions, every call is a 500 and the function never runs", async () => {
    const tenancy = tenancyFor("nopolicy");
    const { state } = stack.oci;
    const apps = state.createCompartment({ parentId: tenancy.id, name: "apps" });
    const fns = state.createCompartment({ parentId: apps.id, name: "fns" });
    const network = state.createCompartment({ parentId: tenancy.id, name: "network" });
    const { endpoint, functionId } = await deployHello(fns.id, network.id, tenancy.namespace);
    const authorization = `Bearer ${await issuer.mint({ aud: AUDIENCE })}`;

    const refused = async (why: RegExp) => {
      const logs = stack.oci.functionLogs(functionId);
      const response = await fetch(`${endpoint}/`, { headers: { authorization } });
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { code: 500, message: "Internal Server Error" });
      assert.match(response.headers.get("x-emulator-reason") ?? "", why);
      assert.equal(stack.oci.functionLogs(functionId), logs, "the function did not run");
    };
    await refused(/no policy lets API gateways in .* use functions-family in compartment nopolicy:apps:fns/);
    // Near misses grant nothing: a user group, the wrong gateway compartment, a sibling compartment,
    // a verb that does not invoke, the other branch's policy naming a child it does not have.
    state.createPolicy({
      compartmentId: tenancy.id,
      name: "near-misses",
      statements: [
        "allow group deployers to manage functions-family in tenancy",
        `ALLOW any-user to use functions-family in compartment apps:fns where ALL {request.principal.type= 'ApiGateway', request.resource.compartment.id = '${fns.id}'}`,
        `ALLOW any-user to use functions-family in compartment apps:other where request.principal.type = 'ApiGateway'`,
        `ALLOW any-user to read functions-family in compartment apps where request.principal.type = 'ApiGateway'`,
      ],
    });
    state.createPolicy({
      compartmentId: network.id,
      name: "wrong-branch",
      statements: [
        "ALLOW any-user to use functions-family in compartment fns where request.principal.type = 'ApiGateway'",
      ],
    });
    await refused(/no policy/);

    // A dynamic group grants only when its matching rule selects this gateway.
    state.createDynamicGroup({
      tenancyId: tenancy.id,
      name: "app-gateways",
      matchingRule: `ALL {resource.type = 'ApiGateway', resource.compartment.id = '${apps.id}'}`,
    });
    state.createDynamicGroup({
      tenancyId: tenancy.id,
      name: "network-gateways",
      matchingRule: `Any {instance.compartment.id = '${network.id}', ALL {resource.type = 'apigateway', resource.compartment.id = '${network.id}'}}`,
    });
    const viaGroup = state.createPolicy({
      compartmentId: tenancy.id,
      name: "dynamic-groups",
      statements: ["Allow dynamic-group app-gateways to use functions-family in compartment apps:fns"],
    });
    await refused(/no policy/);
    state.iam.deletePolicy(viaGroup.id);
    const granted = state.createPolicy({
      compartmentId: tenancy.id,
      name: "dynamic-group-grant",
      statements: ["Allow dynamic-group Network-Gateways to use functions-family in compartment apps:fns"],
    });
    const viaDynamicGroup = await fetch(`${endpoint}/`, { headers: { authorization } });
    assert.equal(viaDynamicGroup.status, 200);
    await viaDynamicGroup.arrayBuffer();
    state.iam.deletePolicy(granted.id);
    await refused(/no policy/);

    // Oracle's statement, attached to the parent compartment and naming its child, lets the gateway in.
    state.createPolicy({
      compartmentId: apps.id,
      name: "apigw-invokes-fns",
      statements: [
        `allow ANY-USER to use fn-invocation in compartment fns\n  where all {request.principal.type = 'apigateway', request.resource.compartment.id = '${network.id}'}`,
      ],
    });
    const hello = await fetch(`${endpoint}/`, { headers: { authorization } });
    assert.equal(hello.status, 200);
    assert.deepEqual(await hello.json(), { message: "Hello World" });
  });
});
