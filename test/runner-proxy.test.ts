// src/http/runner-proxy.ts in a child process each (it changes process-wide fetch and agents): what a
// missing proxy leaves for the error line (a refusing one is the root action's, test/reliability/proxy), and the warning on a Node without
// http.setGlobalProxyFromEnv, where fetch cannot follow HTTPS_PROXY. An https:// proxy (a real TLS
// CONNECT proxy on loopback) that wants credentials or has a certificate Node does not trust is explained
// in one line; R7's input-hygiene cases run the built smoke-test through it with credentials, wrong ones
// and a dropped tunnel (the diagnosis speaks TLS and never sends the credentials).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { proxyPort } from "../src/http/proxy-probe.ts";
import { type ConnectProxy, startConnectProxy } from "./emulators/http/connect-proxy.ts";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";

const MODULE = resolve(import.meta.dirname, "../src/http/runner-proxy.ts");
const PASSWORD = `proxy-password-${process.pid}`;
let refusing: ConnectProxy;
let tls: TlsMaterial;
let authenticating: ConnectProxy;
before(async () => {
  refusing = await startConnectProxy({ refuse: true });
  tls = await createTestCa();
  const credentials = { username: "ci", password: PASSWORD };
  authenticating = await startConnectProxy({ tls, credentials });
});
after(async () => {
  await refusing?.close();
  await authenticating?.close();
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

async function inChild(script: string, env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", `import * as proxy from ${JSON.stringify(MODULE)};\n${script}`],
    { env: { PATH: process.env.PATH ?? "", ...env } },
  );
  return JSON.parse(stdout);
}

it("a proxy that is not listening is named as unreachable, and not as final", async () => {
  const result = await inChild(`
    const applied = proxy.applyRunnerProxy({ httpsProxy: "http://user:pass@127.0.0.1:9" });
    await fetch("https://api.example.test/x").catch(() => {});
    const { proxy: via, reason, permanent } = applied.failure();
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
    const applied = proxy.applyRunnerProxy({ httpsProxy: ${JSON.stringify(refusing.url)}, noProxy: "127.0.0.1" });
    await fetch("https://127.0.0.1:9/x").catch(() => {});
    console.log(JSON.stringify({ failure: applied.failure() ?? null }));
  `);
  assert.deepEqual(result, { failure: null });
});

it("without http.setGlobalProxyFromEnv (an older Node 24) it says fetch cannot follow the proxy", async () => {
  const result = await inChild(`
    const http = (await import("node:http")).default;
    delete http.setGlobalProxyFromEnv;
    console.log(JSON.stringify({ warning: proxy.applyRunnerProxy({ httpsProxy: "http://127.0.0.1:3128" }).warning }));
  `);
  assert.deepEqual(result, {
    warning: `HTTPS_PROXY is set, but Node.js ${process.version} has no http.setGlobalProxyFromEnv to apply it to fetch: the OCI, Entra and smoke-test calls go direct; use a runner with a newer Node.js 24.`,
  });
});

it("no proxy set: nothing changes and nothing is said", async () => {
  const result = await inChild(`
    const before = globalThis.fetch;
    const warning = proxy.applyRunnerProxy({ noProxy: "*" }).warning ?? null;
    console.log(JSON.stringify({ warning, sameFetch: before === globalThis.fetch }));
  `);
  assert.deepEqual(result, { warning: null, sameFetch: true });
});

describe("an https:// proxy with credentials", () => {
  /** The proxy URL with credentials, as a runner's HTTPS_PROXY holds it. */
  const withCredentials = (proxy: ConnectProxy) => proxy.url.replace("https://", `https://ci:${PASSWORD}@`);

  const failureAfterFetch = (url: string) => `
    const applied = proxy.applyRunnerProxy({ httpsProxy: ${JSON.stringify(url)} });
    const error = await fetch("https://api.example.test/x").then(() => "no error", (e) => e.message);
    const failure = applied.failure();
    console.log(JSON.stringify({ error, line: failure ? proxy.describeProxyFailure(failure) : null, permanent: failure?.permanent ?? null }));
  `;

  it("no credentials where the proxy wants them: the 407 says to add them", async () => {
    authenticating.reset();
    const result = (await inChild(failureAfterFetch(authenticating.url), {
      NODE_EXTRA_CA_CERTS: tls.caFile,
    })) as { line: string };
    assert.match(
      result.line,
      /answered 407 \(Proxy Authentication Required\) to CONNECT for api\.example\.test:443: the proxy wants a user name and password: put them in HTTPS_PROXY as https:\/\/USER:PASSWORD@host:port \(percent-encoded\)\.$/,
    );
  });

  it("a proxy certificate Node does not trust: named, with NODE_EXTRA_CA_CERTS as the fix", async () => {
    authenticating.reset();
    const result = (await inChild(failureAfterFetch(withCredentials(authenticating)))) as { line: string };
    assert.match(
      result.line,
      /^the proxy https:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\) could not be reached over TLS \([A-Z_]+\) for api\.example\.test:443: its certificate is not trusted: add its CA to NODE_EXTRA_CA_CERTS \(a PEM file\), or check the host in HTTPS_PROXY\.$/,
    );
    assert.ok(!result.line.includes(PASSWORD));
    assert.ok(authenticating.connects.every((record) => record.proxyAuthorization === undefined));
  });

  it("the port a proxy URL means: its own, else 443 for https and 80 for http", () => {
    assert.equal(proxyPort(new URL("https://proxy.example.test")), 443);
    assert.equal(proxyPort(new URL("http://proxy.example.test")), 80);
    assert.equal(proxyPort(new URL("https://proxy.example.test:8443")), 8443);
    assert.equal(proxyPort(new URL("http://[::1]:3128")), 3128);
  });
});
