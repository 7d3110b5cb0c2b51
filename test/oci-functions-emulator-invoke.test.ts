// Function invocation through the OCI emulator: images are looked up in a real distribution
// registry (htpasswd auth, images pushed through the Registry API without Docker), and the function
// runs behind the real Fn FDK contract (unix socket, POST /call). The caller is the real
// FunctionsInvokeClient pointed at the function's invokeEndpoint, or the API Gateway data plane: a
// deployment with an ORACLE_FUNCTIONS_BACKEND route runs examples/hello behind the token check, and
// only when an IAM policy lets API gateways use the functions. Skips when the registry binary is
// absent outside CI.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { startTestIssuer, type TestIssuer } from "./emulators/gateway/test-issuer.ts";
import { sendRaw } from "./emulators/http/raw-request.ts";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { type SignOptions, signOciRequest } from "./emulators/oci/request-signer.ts";
import {
  type ApiKeyIdentity,
  functionsClients,
  invokeClient,
  seedApiKeyCaller,
} from "./emulators/oci/sdk-clients.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { registrySkip, type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { seedGatewayFunctionsPolicy } from "./support/gateway-policy.ts";
import {
  createDeployment,
  INSTANT_GATEWAY,
  type OciSdkWorld,
  startOciSdkWorld,
  tokenAuthentication,
} from "./support/oci-sdk-world.ts";

const skip = registrySkip();
if (skip) console.log(`# skipping function invocation tests: ${skip}`);

const REGISTRY_USER = { username: "fngate-ci", password: `pw-${process.pid}-${Date.now()}` };
const AUDIENCE = "api://fngate";
const OCIR_PHOENIX = "ocir.us-phoenix-1.oci.oraclecloud.com";

/** The invoke response body as text (the SDK hands back the stream). */
async function bodyText(value: unknown): Promise<string> {
  return new Response(value as ConstructorParameters<typeof Response>[0]).text();
}

let registry: StartedRegistry;
let w: OciSdkWorld;
let issuer: TestIssuer;
let codeDir: string;
const credentials = () => ({ url: registry.url, ...REGISTRY_USER });

before(async () => {
  if (skip) return;
  registry = await startRegistry({ users: [REGISTRY_USER] });
  w = await startOciSdkWorld({
    registry: credentials(),
    functionActiveDelayMs: 0,
    apiGateway: INSTANT_GATEWAY,
  });
  issuer = await startTestIssuer(w.stack.tls);
  codeDir = await mkdtemp(join(tmpdir(), "fngate-fn-code-"));
  // The code lives outside the repository, so it names the FDK by absolute path.
  const fdk = JSON.stringify(fileURLToPath(import.meta.resolve("@fnproject/fdk")));
  await writeFile(
    join(codeDir, "func.js"),
    `const fdk = require(${fdk});
fdk.handle((input, ctx) => {
  if (input && input.fail) throw new Error("boom");
  ctx.httpGateway.statusCode = 201;
  ctx.httpGateway.setResponseHeader("X-Fn", ctx.fnName);
  return { pid: process.pid, greeting: ctx.config.GREETING ?? null, memory: ctx.memory };
});
`,
  );
  w.stack.oci.state.fn.registerFunctionCode("fngate/custom", codeDir);
});
// Idempotent: the last test closes everything itself to see the function processes stop.
let closing: Promise<void> | undefined;
const closeAll = () =>
  (closing ??= (async () => {
    await issuer?.close();
    await w?.close();
    await registry?.close();
    if (codeDir) await rm(codeDir, { recursive: true, force: true });
  })());
after(closeAll);

/** A function of a new application in `compartmentId`, created by `me` and read back. */
async function deploy(me: ApiKeyIdentity, compartmentId: string, displayName: string, image: string) {
  const { state } = w.stack.oci;
  const applicationId = state.fn.createApplication({
    compartmentId,
    displayName: `fngate-${state.fn.applications.size}`,
  }).id;
  const { management } = functionsClients(w.url, me);
  const created = await management.createFunction({
    createFunctionDetails: { applicationId, displayName, image, memoryInMBs: 256 },
  });
  return (await management.getFunction({ functionId: created.function.id })).function;
}

/** The function's answer, invoked by the real FunctionsInvokeClient at its invokeEndpoint. */
async function invoke(fn: { id: string; invokeEndpoint?: string }, body = "") {
  const client = invokeClient(fn.invokeEndpoint ?? "", w.me);
  const response = await client.invokeFunction({ functionId: fn.id, invokeFunctionBody: body });
  return JSON.parse(await bodyText(response.value)) as unknown;
}

describe("OCI emulator: function invocation", { skip }, () => {
  /** Pushes `name:tag` to the caller's namespace and deploys it from `host`. */
  async function pushAndDeploy(displayName: string, name: string, tag: string, host = "phx.ocir.io") {
    const repository = `${w.tenancy.namespace}/fngate/${name}`;
    const pushed = await pushImage({ registry: credentials(), repository, tag });
    return { pushed, fn: await deploy(w.me, w.tenancy.id, displayName, `${host}/${repository}:${tag}`) };
  }
  /** A hand-signed invoke, to send what the SDK does not and see the headers it does not expose. */
  function rawInvoke(fn: { id: string; invokeEndpoint?: string }, options: Partial<SignOptions> = {}) {
    const url = `${fn.invokeEndpoint}/20181201/functions/${fn.id}/actions/invoke`;
    const keyId = `${w.me.tenancyId}/${w.me.userId}/${w.me.fingerprint}`;
    const signed = signOciRequest({
      method: "POST",
      url,
      body: "{}",
      keyId,
      privateKey: w.me.privateKeyPem,
      ...options,
    });
    return sendRaw(url, "POST", signed.headers, signed.body);
  }

  test("an image in the registry runs examples/hello through the FDK", async () => {
    const { pushed, fn } = await pushAndDeploy("hello", "hello", "0.0.1", OCIR_PHOENIX);
    assert.equal(fn.imageDigest, pushed.digest, "the digest is pinned at create time, as OCI does");
    assert.equal(fn.lifecycleState, "ACTIVE");
    assert.deepEqual(await invoke(fn), { message: "Hello World" });
    assert.deepEqual(await invoke(fn, JSON.stringify({ name: "Ada" })), { message: "Hello Ada" });
  });

  // An image the registry does not hold (accepted at create, 502 at invoke): fn-deploy-action.test.ts
  // "an image the application cannot pull fails the test invoke with the private-subnet explanation".
  test("an image the registry does not hold is accepted unpinned; with no registry, nothing can be pulled (502)", async () => {
    const image = `phx.ocir.io/${w.tenancy.namespace}/fngate/missing:1.0.0`;
    const missing = await deploy(w.me, w.tenancy.id, "missing", image);
    assert.deepEqual(
      [missing.lifecycleState, missing.imageDigest],
      ["ACTIVE", null],
      "OCI accepts the function; only invoke fails",
    );
    const { fn: present } = await pushAndDeploy("no-registry", "hello", "0.0.2");
    w.stack.oci.setRegistry(undefined);
    try {
      await rejectsWith(
        invoke(present),
        502,
        "FunctionInvokeImageNotAvailable",
        /Failed to pull function image/,
      );
    } finally {
      w.stack.oci.setRegistry(credentials());
    }
    assert.deepEqual(await invoke(present), { message: "Hello World" });
  });

  test("the invoke body need not be signed (OCI's Java SDK and Fn CLI do not); a dry run runs nothing", async () => {
    const { fn } = await pushAndDeploy("unsigned-body", "hello", "0.0.3");
    assert.equal((await rawInvoke(fn, { headers: { "is-dry-run": "true" } })).status, 200);
    assert.equal(w.stack.oci.functionLogs(fn.id), "", "no function process was started");
    const body = JSON.stringify({ name: "Grace" });
    const response = await rawInvoke(fn, {
      body,
      headers: { "content-type": "application/json", "content-length": String(body.length) },
      // What the Java SDK signs for a binary body: no content-length, content-type or hash.
      headersToSign: ["x-date", "(request-target)", "host"],
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { message: "Hello Grace" });
  });

  test("registered code runs warm, sees its config, and the response headers pass through", async () => {
    const { fn } = await pushAndDeploy("custom", "custom", "1");
    const first = (await invoke(fn)) as { pid: number; greeting: string | null; memory: number };
    const second = (await invoke(fn)) as { pid: number };
    assert.equal(second.pid, first.pid, "the container is kept warm");
    assert.deepEqual({ greeting: first.greeting, memory: first.memory }, { greeting: null, memory: 256 });
    const raw = await rawInvoke(fn);
    assert.equal(raw.status, 200);
    assert.equal(raw.headers["fn-http-status"], "201");
    assert.equal(raw.headers["fn-http-h-x-fn"], "custom");
    assert.match(String(raw.headers["fn-fdk-version"]), /^fdk-node\/0\.0\.76/);
    assert.ok(raw.headers["opc-request-id"]);
    // New config means a new container, as Fn starts a fresh one for a changed function.
    const { management } = functionsClients(w.url, w.me);
    await management.updateFunction({
      functionId: fn.id,
      updateFunctionDetails: { config: { GREETING: "hi" } },
    });
    const third = (await invoke(fn)) as { pid: number; greeting: string };
    assert.notEqual(third.pid, first.pid);
    assert.equal(third.greeting, "hi");
    const failed = invoke(fn, JSON.stringify({ fail: true }));
    await rejectsWith(failed, 502, "FunctionInvokeExecutionFailed", /function failed/);
    // The FDK writes the error to stderr around the time it answers: give the pipe a moment.
    for (let i = 0; i < 50 && !/boom/.test(w.stack.oci.functionLogs(fn.id)); i++) await delay(20);
    assert.match(w.stack.oci.functionLogs(fn.id), /boom/, "the function's stderr is kept for debugging");
  });
});

describe("OCI emulator: API Gateway function backend", { skip }, () => {
  /** examples/hello as a function in `functionsCompartment`, behind a deployment on a gateway in `gatewayCompartment`. */
  async function gatewayHello(caller: ReturnType<typeof seedApiKeyCaller>, fns: string, gateway: string) {
    const repository = `${caller.tenancy.namespace}/fngate/hello`;
    await pushImage({ registry: credentials(), repository, tag: "0.0.1" });
    const fn = await deploy(caller.me, fns, "hello", `${OCIR_PHOENIX}/${repository}:0.0.1`);
    const gatewayId = w.stack.oci.state.apigw.createGateway({ compartmentId: gateway }).id;
    const authentication = tokenAuthentication({
      jwksUri: issuer.jwksUri,
      issuers: [issuer.issuer],
      audiences: [AUDIENCE],
    });
    const backend = { type: "ORACLE_FUNCTIONS_BACKEND", functionId: fn.id };
    const specification = {
      requestPolicies: { authentication },
      routes: [{ path: "/", methods: ["GET", "POST"], backend }],
    };
    const details = { gatewayId, compartmentId: gateway, pathPrefix: "/hello", specification };
    const got = await createDeployment({ url: w.url, me: caller.me }, details);
    return { endpoint: got.deployment.endpoint, functionId: fn.id };
  }

  test("a valid token gets the function's answer; none gets 401 without calling it", async () => {
    const caller = seedApiKeyCaller(w.stack.oci.state, "gateway");
    seedGatewayFunctionsPolicy(w.stack.oci.state, caller.tenancy.id);
    const { endpoint, functionId } = await gatewayHello(caller, caller.tenancy.id, caller.tenancy.id);
    const authorization = `Bearer ${await issuer.mint({ aud: AUDIENCE })}`;

    assert.equal((await fetch(`${endpoint}/`)).status, 401);
    assert.equal(w.stack.oci.functionLogs(functionId), "", "no function process was started");

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
    const caller = seedApiKeyCaller(w.stack.oci.state, "nopolicy");
    const { tenancy } = caller;
    const { state } = w.stack.oci;
    const apps = state.iam.createCompartment({ parentId: tenancy.id, name: "apps" });
    const fns = state.iam.createCompartment({ parentId: apps.id, name: "fns" });
    const network = state.iam.createCompartment({ parentId: tenancy.id, name: "network" });
    const { endpoint, functionId } = await gatewayHello(caller, fns.id, network.id);
    const authorization = `Bearer ${await issuer.mint({ aud: AUDIENCE })}`;
    const policy = (compartmentId: string, name: string, ...statements: string[]) =>
      state.iam.createPolicy({ compartmentId, name, statements });
    const call = () => fetch(`${endpoint}/`, { headers: { authorization } });
    const refused = async (why: RegExp) => {
      const logs = w.stack.oci.functionLogs(functionId);
      const response = await call();
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { code: 500, message: "Internal Server Error" });
      assert.match(response.headers.get("x-emulator-reason") ?? "", why);
      assert.equal(w.stack.oci.functionLogs(functionId), logs, "the function did not run");
    };
    await refused(/no policy lets API gateways in .* use functions-family in compartment nopolicy:apps:fns/);
    // Near misses grant nothing: a user group, the wrong gateway compartment, a sibling compartment,
    // a verb that does not invoke, the other branch's policy naming a child it does not have.
    const where = "where request.principal.type = 'ApiGateway'";
    policy(
      tenancy.id,
      "near-misses",
      "allow group deployers to manage functions-family in tenancy",
      `ALLOW any-user to use functions-family in compartment apps:fns where ALL {request.principal.type= 'ApiGateway', request.resource.compartment.id = '${fns.id}'}`,
      `ALLOW any-user to use functions-family in compartment apps:other ${where}`,
      `ALLOW any-user to read functions-family in compartment apps ${where}`,
    );
    policy(network.id, "wrong-branch", `ALLOW any-user to use functions-family in compartment fns ${where}`);
    await refused(/no policy/);

    // A dynamic group grants only when its matching rule selects this gateway.
    const group = (name: string, matchingRule: string) =>
      state.iam.createDynamicGroup({ tenancyId: tenancy.id, name, matchingRule });
    group("app-gateways", `ALL {resource.type = 'ApiGateway', resource.compartment.id = '${apps.id}'}`);
    group(
      "network-gateways",
      `Any {instance.compartment.id = '${network.id}', ALL {resource.type = 'apigateway', resource.compartment.id = '${network.id}'}}`,
    );
    const viaGroup = policy(
      tenancy.id,
      "dynamic-groups",
      "Allow dynamic-group app-gateways to use functions-family in compartment apps:fns",
    );
    await refused(/no policy/);
    state.iam.deletePolicy(viaGroup.id);
    const granted = policy(
      tenancy.id,
      "dynamic-group-grant",
      "Allow dynamic-group Network-Gateways to use functions-family in compartment apps:fns",
    );
    const viaDynamicGroup = await call();
    assert.equal(viaDynamicGroup.status, 200);
    await viaDynamicGroup.arrayBuffer();
    state.iam.deletePolicy(granted.id);
    await refused(/no policy/);

    // Oracle's statement, attached to the parent compartment and naming its child, lets the gateway in.
    policy(
      apps.id,
      "apigw-invokes-fns",
      `allow ANY-USER to use fn-invocation in compartment fns\n  where all {request.principal.type = 'apigateway', request.resource.compartment.id = '${network.id}'}`,
    );
    const hello = await call();
    assert.equal(hello.status, 200);
    assert.deepEqual(await hello.json(), { message: "Hello World" });
  });
});

test("closing the emulator stops every function process", { skip }, async () => {
  const repository = `${w.tenancy.namespace}/fngate/custom`;
  await pushImage({ registry: credentials(), repository, tag: "pid" });
  const fn = await deploy(w.me, w.tenancy.id, "pid", `phx.ocir.io/${repository}:pid`);
  const { pid } = (await invoke(fn)) as { pid: number };
  assert.doesNotThrow(() => process.kill(pid, 0), "the function process runs");
  await closeAll();
  assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
});
