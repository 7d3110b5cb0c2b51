// Function invocation through the OCI emulator: images are looked up in a real distribution
// registry (htpasswd auth, images pushed through the Registry API without Docker), and the
// function runs behind the real Fn FDK contract (unix socket, POST /call). The caller is the real
// FunctionsInvokeClient pointed at the function's invokeEndpoint.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { sendRaw } from "./emulators/http/raw-request.ts";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { signOciRequest } from "./emulators/oci/request-signer.ts";
import {
  type ApiKeyIdentity,
  functionsClients,
  invokeClient,
  seedApiKeyCaller,
} from "./emulators/oci/sdk-clients.ts";
import type { Tenancy } from "./emulators/oci/state.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { registrySkip, type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";

const skip = registrySkip();
if (skip) console.log(`# skipping function invocation tests: ${skip}`);

const REGISTRY_USER = { username: "fngate-ci", password: `pw-${process.pid}-${Date.now()}` };

/** The invoke response body as text (the SDK hands back the stream). */
async function bodyText(value: unknown): Promise<string> {
  return new Response(value as ConstructorParameters<typeof Response>[0]).text();
}

describe("OCI emulator: function invocation", { skip }, () => {
  let registry: StartedRegistry;
  let stack: EmulatorStack;
  let tenancy: Tenancy;
  let me: ApiKeyIdentity;
  let applicationId: string;
  let codeDir: string;
  const credentials = () => ({ url: registry.url, ...REGISTRY_USER });

  before(async () => {
    registry = await startRegistry({ users: [REGISTRY_USER] });
    stack = await startEmulatorStack({ registry: credentials(), functionActiveDelayMs: 0 });
    trustCaInProcess(stack.caPem);
    ({ tenancy, me } = seedApiKeyCaller(stack.oci.state, "acme"));
    applicationId = stack.oci.state.createApplication({
      compartmentId: tenancy.id,
      displayName: "fngate",
    }).id;
    codeDir = await mkdtemp(join(tmpdir(), "fngate-fn-code-"));
  });

  after(async () => {
    await stack?.close();
    await registry?.close();
    if (codeDir) await rm(codeDir, { recursive: true, force: true });
  });

  async function deploy(displayName: string, image: string) {
    const { management } = functionsClients(stack.endpoints.oci, me);
    const created = await management.createFunction({
      createFunctionDetails: { applicationId, displayName, image, memoryInMBs: 256 },
    });
    return (await management.getFunction({ functionId: created.function.id })).function;
  }

  async function invoke(fn: { id: string; invokeEndpoint?: string }, body = "") {
    const client = invokeClient(fn.invokeEndpoint ?? "", me);
    const response = await client.invokeFunction({ functionId: fn.id, invokeFunctionBody: body });
    return JSON.parse(await bodyText(response.value)) as unknown;
  }

  test("an image in the registry runs examples/hello through the FDK", async () => {
    const repository = `${tenancy.namespace}/fngate/hello`;
    const pushed = await pushImage({ registry: credentials(), repository, tag: "0.0.1" });
    const fn = await deploy("hello", `ocir.us-phoenix-1.oci.oraclecloud.com/${repository}:0.0.1`);
    assert.equal(fn.imageDigest, pushed.digest, "the digest is pinned at create time, as OCI does");
    assert.equal(fn.lifecycleState, "ACTIVE");
    assert.deepEqual(await invoke(fn), { message: "Hello World" });
    assert.deepEqual(await invoke(fn, JSON.stringify({ name: "Ada" })), { message: "Hello Ada" });
  });

  test("an image the registry does not hold fails with 502 Failed to pull function image", async () => {
    const fn = await deploy("missing", `phx.ocir.io/${tenancy.namespace}/fngate/missing:1.0.0`);
    assert.equal(fn.lifecycleState, "ACTIVE", "OCI accepts the function; only invoke fails");
    assert.equal(fn.imageDigest, null);
    await rejectsWith(invoke(fn), 502, "FunctionInvokeImageNotAvailable", /Failed to pull function image/);
    // With no registry at all, nothing can be pulled either.
    const repository = `${tenancy.namespace}/fngate/hello`;
    await pushImage({ registry: credentials(), repository, tag: "0.0.2" });
    const present = await deploy("no-registry", `phx.ocir.io/${repository}:0.0.2`);
    stack.oci.setRegistry(undefined);
    try {
      await rejectsWith(
        invoke(present),
        502,
        "FunctionInvokeImageNotAvailable",
        /Failed to pull function image/,
      );
    } finally {
      stack.oci.setRegistry(credentials());
    }
    assert.deepEqual(await invoke(present), { message: "Hello World" });
  });

  test("the invoke body need not be signed (OCI's Java SDK and Fn CLI do not); a dry run runs nothing", async () => {
    const repository = `${tenancy.namespace}/fngate/hello`;
    await pushImage({ registry: credentials(), repository, tag: "0.0.3" });
    const fn = await deploy("unsigned-body", `phx.ocir.io/${repository}:0.0.3`);
    const url = `${fn.invokeEndpoint}/20181201/functions/${fn.id}/actions/invoke`;
    const keyId = `${me.tenancyId}/${me.userId}/${me.fingerprint}`;
    const dryRun = signOciRequest({
      method: "POST",
      url,
      body: "{}",
      headers: { "is-dry-run": "true" },
      keyId,
      privateKey: me.privateKeyPem,
    });
    assert.equal((await sendRaw(url, "POST", dryRun.headers, dryRun.body)).status, 200);
    assert.equal(stack.oci.functionLogs(fn.id), "", "no function process was started");

    const body = JSON.stringify({ name: "Grace" });
    const unsigned = signOciRequest({
      method: "POST",
      url,
      body,
      headers: { "content-type": "application/json", "content-length": String(body.length) },
      // What the Java SDK signs for a binary body: no content-length, content-type or hash.
      headersToSign: ["x-date", "(request-target)", "host"],
      keyId,
      privateKey: me.privateKeyPem,
    });
    const response = await sendRaw(url, "POST", unsigned.headers, unsigned.body);
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { message: "Hello Grace" });
  });

  test("registered code runs warm, sees its config, and the response headers pass through", async () => {
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
    const repository = `${tenancy.namespace}/fngate/custom`;
    stack.oci.state.registerFunctionCode("fngate/custom", codeDir);
    await pushImage({ registry: credentials(), repository, tag: "1" });
    const fn = await deploy("custom", `phx.ocir.io/${repository}:1`);

    const first = (await invoke(fn)) as { pid: number; greeting: string | null; memory: number };
    const second = (await invoke(fn)) as { pid: number };
    assert.equal(second.pid, first.pid, "the container is kept warm");
    assert.deepEqual({ greeting: first.greeting, memory: first.memory }, { greeting: null, memory: 256 });

    // Hand-signed, to see the headers the SDK does not expose.
    const url = `${fn.invokeEndpoint}/20181201/functions/${fn.id}/actions/invoke`;
    const signed = signOciRequest({
      method: "POST",
      url,
      body: "{}",
      keyId: `${me.tenancyId}/${me.userId}/${me.fingerprint}`,
      privateKey: me.privateKeyPem,
    });
    const raw = await sendRaw(url, "POST", signed.headers, signed.body);
    assert.equal(raw.status, 200);
    assert.equal(raw.headers["fn-http-status"], "201");
    assert.equal(raw.headers["fn-http-h-x-fn"], "custom");
    assert.match(String(raw.headers["fn-fdk-version"]), /^fdk-node\/0\.0\.76/);
    assert.ok(raw.headers["opc-request-id"]);

    // New config means a new container, as Fn starts a fresh one for a changed function.
    const { management } = functionsClients(stack.endpoints.oci, me);
    await management.updateFunction({
      functionId: fn.id,
      updateFunctionDetails: { config: { GREETING: "hi" } },
    });
    const third = (await invoke(fn)) as { pid: number; greeting: string };
    assert.notEqual(third.pid, first.pid);
    assert.equal(third.greeting, "hi");

    await rejectsWith(
      invoke(fn, JSON.stringify({ fail: true })),
      502,
      "FunctionInvokeExecutionFailed",
      /function failed/,
    );
    // The FDK writes the error to stderr around the time it answers: give the pipe a moment.
    for (let i = 0; i < 50 && !/boom/.test(stack.oci.functionLogs(fn.id)); i++) await delay(20);
    assert.match(stack.oci.functionLogs(fn.id), /boom/, "the function's stderr is kept for debugging");
  });

  test("closing the emulator stops every function process", async () => {
    const own = await startEmulatorStack({ registry: credentials(), functionActiveDelayMs: 0 });
    const caller = seedApiKeyCaller(own.oci.state);
    const app = own.oci.state.createApplication({ compartmentId: caller.tenancy.id, displayName: "closing" });
    own.oci.state.registerFunctionCode("fngate/custom", codeDir);
    const repository = `${caller.tenancy.namespace}/fngate/custom`;
    await pushImage({ registry: credentials(), repository, tag: "1" });
    trustCaInProcess(own.caPem);
    const { management } = functionsClients(own.endpoints.oci, caller.me);
    const created = await management.createFunction({
      createFunctionDetails: {
        applicationId: app.id,
        displayName: "pid",
        image: `phx.ocir.io/${repository}:1`,
        memoryInMBs: 128,
      },
    });
    const client = invokeClient(own.endpoints.oci, caller.me);
    const response = await client.invokeFunction({ functionId: created.function.id, invokeFunctionBody: "" });
    const { pid } = JSON.parse(await bodyText(response.value)) as { pid: number };
    assert.doesNotThrow(() => process.kill(pid, 0), "the function process runs");
    await own.close();
    assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
  });
});
