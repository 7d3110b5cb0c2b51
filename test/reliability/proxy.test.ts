// HTTPS_PROXY / NO_PROXY: the whole pipeline (the root action) behind a real CONNECT proxy.
//
// The emulators listen on 127.0.0.1, and @actions/http-client (core.getIDToken) never proxies loopback,
// so a run against 127.0.0.1 could not show that the GitHub OIDC request follows HTTPS_PROXY. The
// proxied run therefore addresses every service by a name no resolver knows (oci.fngate.test, …; the
// emulators' certificate carries them) and only the proxy maps those names to 127.0.0.1: a client that
// skipped the proxy would fail DNS instead of quietly reaching the emulator, so a green run proves that
// every call the action made went through a tunnel, and the tunnel counts show which services it reached.
// The NO_PROXY run uses the loopback addresses with NO_PROXY=127.0.0.1: green, and zero tunnels.
// A proxy that refuses tunnels fails the step with one line naming the proxy, without minutes of retries.
// Not covered here: docker's own traffic (the daemon has its own proxy settings), so ocir-login is
// skipped and fn-deploy deploys a prebuilt image by digest.
import assert from "node:assert/strict";
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { lookup as lookupAddress } from "node:dns/promises";
import { after, before, describe, it } from "node:test";
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { type ConnectProxy, startConnectProxy } from "../emulators/http/connect-proxy.ts";
import { assertUserFailure, describeAnnotations, Job } from "../runner/index.ts";
import {
  PIPELINE,
  type PipelineFixture,
  pipelineComponents,
  REPOSITORY,
  startPipelineFixture,
} from "./pipeline-fixture.ts";

const DOMAIN = ".fngate.test";
const NAMES = ["oci", "entra", "oidc"].map((name) => `${name}${DOMAIN}`);
/** Deployment endpoints use the gateway's real hostname (on 443) once no loopback data plane URL is set. */
const GATEWAY_DOMAIN = ".apigateway.us-phoenix-1.oci.customer-oci.com";

const portOf = (url: string) => new URL(url).port;

let fx: PipelineFixture;
let proxy: ConnectProxy;
let refusing: ConnectProxy;
let previousDispatcher: ReturnType<typeof getGlobalDispatcher>;

/**
 * The emulators themselves (the gateway data plane fetching the tenant's JWKS) run in this process and
 * play the cloud's own network, where the names resolve; only the action's process depends on the proxy.
 */
function cloudSideLookup(
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  if (!hostname.endsWith(DOMAIN)) {
    dnsLookup(hostname, options, callback);
    return;
  }
  if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}

before(async () => {
  fx = await startPipelineFixture("proxy", { dnsNames: NAMES });
  proxy = await startConnectProxy({
    resolve: [DOMAIN],
    redirect: [{ suffix: GATEWAY_DOMAIN, port: Number(portOf(fx.oci.stack.endpoints.gateway)) }],
  });
  refusing = await startConnectProxy({ refuse: true });
  previousDispatcher = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ connect: { lookup: cloudSideLookup } }));
});
after(async () => {
  if (previousDispatcher) setGlobalDispatcher(previousDispatcher);
  await proxy?.close();
  await refusing?.close();
  await fx?.close();
});

describe("HTTPS_PROXY and NO_PROXY", () => {
  it("every call of the pipeline (OCI, Entra, GitHub OIDC, gateway) goes through the proxy", async (t) => {
    if (!(await pipelineComponents(t))) return;
    // The names resolve nowhere but in the proxy: a client that went around it could not connect.
    for (const name of NAMES) {
      await assert.rejects(
        lookupAddress(name),
        /ENOTFOUND|EAI_AGAIN/,
        `${name} must not resolve on this machine`,
      );
    }
    const image = await fx.prebuiltImage("proxy");
    const { stack } = fx.oci;
    const ociPort = portOf(stack.endpoints.oci);
    const entraPort = portOf(stack.endpoints.entra);
    const store = stack.oci.state.apigw;
    const loopbackDataPlane = store.dataPlaneUrl;
    store.dataPlaneUrl = undefined;
    // The job's GitHub OIDC request URL, by name: core.getIDToken would skip the proxy for 127.0.0.1.
    const oidc = stack.githubOidc.envFor({ repository: REPOSITORY, ref: "refs/heads/main" });
    const oidcUrl = new URL(oidc.ACTIONS_ID_TOKEN_REQUEST_URL ?? "");
    oidcUrl.hostname = `oidc${DOMAIN}`;
    const job = await Job.create({
      env: {
        ...fx.oci.env,
        ...oidc,
        ACTIONS_ID_TOKEN_REQUEST_URL: oidcUrl.toString(),
        GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
      },
    });
    proxy.reset();
    try {
      const run = await job.run(PIPELINE, {
        inputs: fx.inputs("federated", "viaproxy", {
          image,
          skip: "ocir-login",
          "authority-host": `entra${DOMAIN}:${entraPort}`,
        }),
        env: {
          HTTPS_PROXY: proxy.url,
          NO_PROXY: "",
          FNGATE_OCI_ENDPOINT: `https://oci${DOMAIN}:${ociPort}`,
        },
      });
      assert.equal(run.exitCode, 0, `${describeAnnotations(run)}\n${run.stdout}`);
      assert.equal(run.outputs.passed, "true");
      const tunnels = Object.fromEntries(proxy.tunnels);
      assert.ok(proxy.countFor(`oci${DOMAIN}`) > 0, `OCI through the proxy: ${JSON.stringify(tunnels)}`);
      assert.ok(proxy.countFor(`entra${DOMAIN}`) > 0, `Entra through the proxy: ${JSON.stringify(tunnels)}`);
      assert.ok(
        proxy.countFor(`oidc${DOMAIN}`) > 0,
        `GitHub OIDC through the proxy: ${JSON.stringify(tunnels)}`,
      );
      assert.ok(proxy.countFor(GATEWAY_DOMAIN) > 0, `gateway through the proxy: ${JSON.stringify(tunnels)}`);
      assert.deepEqual(proxy.plainRequests, [], "no plain-HTTP proxy request");
      const [post] = await job.runPosts();
      assert.equal(post?.exitCode, 0, post?.stdout);
      console.log(`proxy tunnels: ${JSON.stringify(tunnels)}`);
    } finally {
      store.dataPlaneUrl = loopbackDataPlane;
      await job.dispose();
    }
  });

  it("NO_PROXY listing the emulators' host: the same pipeline, no tunnel at all", async (t) => {
    if (!(await pipelineComponents(t))) return;
    const image = await fx.prebuiltImage("proxy");
    await using job = await fx.job();
    proxy.reset();
    const run = await job.run(PIPELINE, {
      inputs: fx.inputs("federated", "noproxy", { image, skip: "ocir-login" }),
      env: { HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" },
    });
    assert.equal(run.exitCode, 0, `${describeAnnotations(run)}\n${run.stdout}`);
    assert.equal(run.outputs.passed, "true");
    assert.equal(proxy.total(), 0, `tunnels: ${JSON.stringify(Object.fromEntries(proxy.tunnels))}`);
    await job.runPosts();
  });

  it("a proxy that refuses: one line naming the proxy, at once", async () => {
    await using job = await fx.job();
    refusing.reset();
    const started = Date.now();
    const run = await job.run(PIPELINE, {
      inputs: fx.inputs("secret", "refused", { skip: "ocir-login,fn-deploy,gateway-deploy,smoke-test" }),
      env: { HTTPS_PROXY: refusing.url },
    });
    const elapsed = Date.now() - started;
    const target = `127.0.0.1:${portOf(fx.oci.stack.endpoints.oci)}`;
    const line = assertUserFailure(
      run,
      new RegExp(
        `the proxy ${refusing.url.replace(/[.]/g, "\\.")} \\(HTTPS_PROXY\\) answered 403 to CONNECT for ${target.replace(/[.]/g, "\\.")}: check HTTPS_PROXY, or list the host in NO_PROXY if it must be reached directly\\.$`,
      ),
      fx.secrets,
    );
    assert.ok(refusing.total() >= 1);
    console.log(`refused: ${line}`);
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    await job.runPosts();
  });
});
