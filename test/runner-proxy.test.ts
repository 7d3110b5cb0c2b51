// src/http/runner-proxy.ts in a child process each (it changes process-wide fetch and agents): what a
// refusing or missing proxy leaves for the error line, and the warning on a Node without
// http.setGlobalProxyFromEnv, where fetch cannot follow HTTPS_PROXY.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { after, before, it } from "node:test";
import { promisify } from "node:util";
import { type ConnectProxy, startConnectProxy } from "./emulators/http/connect-proxy.ts";

const MODULE = resolve(import.meta.dirname, "../src/http/runner-proxy.ts");
let refusing: ConnectProxy;
before(async () => {
  refusing = await startConnectProxy({ refuse: true });
});
after(async () => {
  await refusing?.close();
});

async function inChild(script: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--input-type=module",
    "-e",
    `import * as proxy from ${JSON.stringify(MODULE)};\n${script}`,
  ]);
  return JSON.parse(stdout);
}

it("a refused tunnel is asked once more and kept as a permanent refusal naming proxy and target", async () => {
  const result = await inChild(`
    proxy.applyRunnerProxy({ httpsProxy: ${JSON.stringify(refusing.url)} });
    const error = await fetch("https://api.example.test:8443/x").catch((e) => e.message);
    const failure = proxy.proxyFailure();
    console.log(JSON.stringify({ error, failure: { ...failure, at: undefined }, line: proxy.describeProxyFailure(failure) }));
  `);
  assert.deepEqual(result, {
    error: "fetch failed",
    failure: {
      proxy: refusing.url,
      target: "api.example.test:8443",
      reason: "answered 403 to CONNECT",
      permanent: true,
    },
    line: `the proxy ${refusing.url} (HTTPS_PROXY) answered 403 to CONNECT for api.example.test:8443: check HTTPS_PROXY, or list the host in NO_PROXY if it must be reached directly.`,
  });
});

it("a proxy that is not listening is named as unreachable, and not as final", async () => {
  const result = await inChild(`
    proxy.applyRunnerProxy({ httpsProxy: "http://user:pass@127.0.0.1:9" });
    await fetch("https://api.example.test/x").catch(() => {});
    const { proxy: via, reason, permanent } = proxy.proxyFailure();
    console.log(JSON.stringify({ via, reason, permanent }));
  `);
  assert.deepEqual(result, {
    via: "http://127.0.0.1:9",
    reason: "could not be reached (ECONNREFUSED)",
    permanent: false,
  });
});

it("NO_PROXY hosts are not blamed on the proxy", async () => {
  const result = await inChild(`
    proxy.applyRunnerProxy({ httpsProxy: ${JSON.stringify(refusing.url)}, noProxy: "127.0.0.1" });
    await fetch("https://127.0.0.1:9/x").catch(() => {});
    console.log(JSON.stringify({ failure: proxy.proxyFailure() ?? null }));
  `);
  assert.deepEqual(result, { failure: null });
});

it("without http.setGlobalProxyFromEnv (an older Node 24) it says fetch cannot follow the proxy", async () => {
  const result = await inChild(`
    const http = (await import("node:http")).default;
    delete http.setGlobalProxyFromEnv;
    console.log(JSON.stringify({ warning: proxy.applyRunnerProxy({ httpsProxy: "http://127.0.0.1:3128" }) }));
  `);
  assert.deepEqual(result, {
    warning: `HTTPS_PROXY is set, but Node.js ${process.version} has no http.setGlobalProxyFromEnv to apply it to fetch: the OCI, Entra and smoke-test calls go direct; use a runner with a newer Node.js 24.`,
  });
});

it("no proxy set: nothing changes and nothing is said", async () => {
  const result = await inChild(`
    const before = globalThis.fetch;
    const warning = proxy.applyRunnerProxy({ noProxy: "*" }) ?? null;
    console.log(JSON.stringify({ warning, sameFetch: before === globalThis.fetch }));
  `);
  assert.deepEqual(result, { warning: null, sameFetch: true });
});
