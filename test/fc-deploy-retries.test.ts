// fc-deploy on an unreliable network: it retries what is worth retrying (429 throttling, 5xx) with
// backoff, fails fast on a refusal (403), counted in the emulator's request log, and stops its wait at
// deadline-minutes. It follows HTTPS_PROXY/NO_PROXY like every other action: the Alibaba SDKs' own HTTP
// client ignores proxy options, so the build routes it onto Node's global agents, which the adapter
// gives the proxy. The proxy here is a real CONNECT proxy on loopback that records each tunnel.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  accessKeyDeployInputs,
  type StartedAlibabaFixture,
  startAlibabaFixture,
} from "./emulators/alibaba/fixture.ts";
import { closeServer, listenOnLoopback } from "./emulators/http/loopback-server.ts";
import { assertUserFailure, type StepResult } from "./runner/index.ts";

let fx: StartedAlibabaFixture;
let proxy: Server;
let proxyUrl: string;
const tunnels: string[] = [];

before(async () => {
  fx = await startAlibabaFixture();
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on("connect", (req, client, head) => {
    const target = req.url ?? "";
    tunnels.push(target);
    const [host, port] = [
      target.slice(0, target.lastIndexOf(":")),
      Number(target.slice(target.lastIndexOf(":") + 1)),
    ];
    const upstream = connect(port, host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  proxyUrl = `http://127.0.0.1:${await listenOnLoopback(proxy)}`;
});
after(async () => {
  if (proxy) await closeServer(proxy);
  await fx?.close();
});

function deploy(
  name: string,
  extra: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<StepResult> {
  return fx.deploy(accessKeyDeployInputs(fx, name, extra), { env });
}

function calls(operation: string, since: number): number {
  return fx.stack.alibaba.requests.slice(since).filter((request) => request.operation === operation).length;
}

describe("fc-deploy retries", () => {
  it("retries 503 on CreateFunction and 429 on GetFunction, then succeeds", async () => {
    const since = fx.stack.alibaba.requests.length;
    fx.stack.alibaba.faults.push(
      { operation: "GetFunction", status: 429, code: "Throttling.User", times: 1 },
      { operation: "CreateFunction", status: 503, code: "ServiceUnavailable", times: 2 },
    );
    const run = await deploy("retried");
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.changed, "true");
    assert.equal(calls("CreateFunction", since), 3);
    assert.equal(fx.stack.alibaba.state.functions.has("retried"), true);
  });

  it("fails fast on 403: one UpdateFunction call, one explained line", async () => {
    const since = fx.stack.alibaba.requests.length;
    fx.stack.alibaba.faults.push({
      operation: "UpdateFunction",
      status: 403,
      code: "AccessDenied",
      times: 1,
    });
    const run = await deploy("retried", { memory: "1024" });
    assertUserFailure(
      run,
      "UpdateFunction was denied (AccessDenied: injected 403 AccessDenied): grant the deploying identity the AliyunFCFullAccess policy or the fc:UpdateFunction action.",
      fx.secrets(),
    );
    assert.equal(calls("UpdateFunction", since), 1);
  });

  it("gives up on a persistent 500 after five attempts with one line", async () => {
    const since = fx.stack.alibaba.requests.length;
    fx.stack.alibaba.faults.push({ operation: "GetFunction", status: 500, code: "InternalError", times: 5 });
    const run = await deploy("retried");
    assertUserFailure(
      run,
      "GetFunction kept failing with 500 InternalError after retries: Function Compute is throttling or unavailable; re-run the job later.",
      fx.secrets(),
    );
    assert.equal(calls("GetFunction", since), 5);
  });

  it("stops waiting at deadline-minutes with one line naming the wait", async () => {
    fx.stack.alibaba.setActiveDelay(60_000);
    try {
      const run = await deploy("slow-start", { "deadline-minutes": "0.05" });
      assertUserFailure(
        run,
        "deadline-minutes (0.05) reached while waiting for function slow-start to become Active (state Pending, last update InProgress); raise deadline-minutes if the step needs longer, or find out what is slow.",
        fx.secrets(),
      );
    } finally {
      fx.stack.alibaba.setActiveDelay(50);
    }
  });
});

describe("fc-deploy behind a proxy", () => {
  it("sends every Function Compute call through HTTPS_PROXY, without a warning", async () => {
    tunnels.length = 0;
    const run = await deploy("via-proxy", {}, { HTTPS_PROXY: proxyUrl });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(
      run.annotations.filter((a) => a.level === "warning"),
      [],
    );
    const target = new URL(fx.stack.alibaba.url);
    assert.ok(tunnels.length > 0, "no call went through the proxy");
    assert.deepEqual([...new Set(tunnels)], [`${target.hostname}:${target.port}`]);
  });

  it("calls directly when NO_PROXY lists the host", async () => {
    tunnels.length = 0;
    const run = await deploy("no-proxy", {}, { HTTPS_PROXY: proxyUrl, NO_PROXY: "localhost,127.0.0.1" });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(tunnels, []);
  });

  it("fails with one explained line when the proxy cannot be reached", async () => {
    const run = await deploy("dead-proxy", {}, { HTTPS_PROXY: "http://127.0.0.1:9" });
    const target = new URL(fx.stack.alibaba.url);
    assertUserFailure(
      run,
      new RegExp(
        `^GetFunction: no answer from Function Compute at ${target.host.replace(/\./g, "\\.")} \\(ECONNREFUSED\\) after retries: check region, FNGATE_ALIBABA_ENDPOINT and, behind a proxy, HTTPS_PROXY and NO_PROXY\\.`,
      ),
      fx.secrets(),
    );
  });
});
