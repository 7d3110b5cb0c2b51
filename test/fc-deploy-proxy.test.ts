// fc-deploy follows HTTPS_PROXY/NO_PROXY like every other action: the Alibaba SDKs' own HTTP client
// ignores proxy options, so the build routes it onto Node's global agents, which the adapter gives
// the proxy. The proxy here is a real CONNECT proxy on loopback that records each tunnel.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  type AlibabaFixture,
  accessKeyDeployInputs,
  alibabaFixture,
  examplesDir,
} from "./emulators/alibaba/fixture.ts";
import { closeServer, listenOnLoopback } from "./emulators/http/loopback-server.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";
import { Job, type StepResult } from "./runner/index.ts";

let stack: EmulatorStack;
let fx: AlibabaFixture;
let proxy: Server;
let proxyUrl: string;
const tunnels: string[] = [];

before(async () => {
  stack = await startEmulatorStack();
  fx = alibabaFixture(stack);
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
  await closeServer(proxy);
  await stack?.close();
});

async function deploy(name: string, env: Record<string, string>): Promise<StepResult> {
  const job = await Job.create({ env: { ...fx.env, ...env }, checkout: examplesDir });
  try {
    return await job.run("fc-deploy", {
      inputs: accessKeyDeployInputs(fx, name),
    });
  } finally {
    await job.dispose();
  }
}

describe("fc-deploy behind a proxy", () => {
  it("sends every Function Compute call through HTTPS_PROXY, without a warning", async () => {
    tunnels.length = 0;
    const run = await deploy("via-proxy", { HTTPS_PROXY: proxyUrl });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(
      run.annotations.filter((a) => a.level === "warning"),
      [],
    );
    const target = new URL(stack.alibaba.url);
    assert.ok(tunnels.length > 0, "no call went through the proxy");
    assert.deepEqual([...new Set(tunnels)], [`${target.hostname}:${target.port}`]);
  });

  it("calls directly when NO_PROXY lists the host", async () => {
    tunnels.length = 0;
    const run = await deploy("no-proxy", { HTTPS_PROXY: proxyUrl, NO_PROXY: "localhost,127.0.0.1" });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(tunnels, []);
  });

  it("fails with one explained line when the proxy cannot be reached", async () => {
    const run = await deploy("dead-proxy", { HTTPS_PROXY: "http://127.0.0.1:9" });
    assert.equal(run.exitCode, 1);
    assert.equal(run.annotations.filter((a) => a.level === "error").length, 1, run.stdout);
    const target = new URL(stack.alibaba.url);
    assert.match(
      run.stdout,
      new RegExp(
        `::error::GetFunction: no answer from Function Compute at ${target.host.replace(/\./g, "\\.")} \\(ECONNREFUSED\\) after retries: check region, FNGATE_ALIBABA_ENDPOINT and, behind a proxy, HTTPS_PROXY and NO_PROXY\\.`,
      ),
    );
  });
});
