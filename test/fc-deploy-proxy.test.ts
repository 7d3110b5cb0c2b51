// The Alibaba SDK's HTTP layer ignores proxy settings, so fc-deploy cannot follow HTTPS_PROXY: it
// warns, naming the hosts it will call directly, unless NO_PROXY lists them. The proxy here is a
// real CONNECT proxy on loopback that records each tunnel, proving the warning tells the truth.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bypassesProxy } from "../src/alibaba/proxy-notice.ts";
import { type AlibabaFixture, alibabaFixture, examplesDir } from "./emulators/alibaba/fixture.ts";
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
  const job = await Job.create({ env: { ...fx.env, ...env } });
  try {
    return await job.run("fc-deploy", {
      inputs: {
        region: "cn-hangzhou",
        function: name,
        "code-path": join(examplesDir, "function"),
        runtime: "nodejs20",
        handler: "index.handler",
        "access-key-id": fx.accessKey.id,
        "access-key-secret": fx.accessKey.secret,
      },
    });
  } finally {
    await job.dispose();
  }
}

describe("fc-deploy behind a proxy", () => {
  it("warns that the Alibaba SDK cannot use HTTPS_PROXY and names the hosts it calls directly", async () => {
    tunnels.length = 0;
    const run = await deploy("via-proxy", { HTTPS_PROXY: proxyUrl });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const host = new URL(stack.alibaba.url).hostname;
    assert.deepEqual(
      run.annotations.filter((a) => a.level === "warning").map((a) => a.message),
      [
        `HTTPS_PROXY is set, but the Alibaba Cloud SDK cannot use a proxy: ${host} will be called directly. Allow that in the firewall (and list it in NO_PROXY to silence this warning).`,
      ],
    );
    // What the warning says is what happens: nothing went through the proxy.
    assert.deepEqual(tunnels, []);
  });

  it("says nothing when NO_PROXY lists the hosts", async () => {
    const run = await deploy("no-proxy", { HTTPS_PROXY: proxyUrl, NO_PROXY: "localhost,127.0.0.1" });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(
      run.annotations.filter((a) => a.level === "warning"),
      [],
    );
  });

  it("NO_PROXY matching follows curl: *, exact hosts, domains with or without a dot", () => {
    const list = ["*.ignored", "internal.example", ".corp.example", "10.0.0.1"];
    assert.equal(bypassesProxy("fc.internal.example", list), true);
    assert.equal(bypassesProxy("internal.example", list), true);
    assert.equal(bypassesProxy("x.corp.example", list), true);
    assert.equal(bypassesProxy("10.0.0.1", list), true);
    assert.equal(bypassesProxy("123.cn-hangzhou.fc.aliyuncs.com", list), false);
    assert.equal(bypassesProxy("anything", ["*"]), true);
  });
});
