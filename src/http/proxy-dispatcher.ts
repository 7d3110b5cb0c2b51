import { EnvHttpProxyAgent, setGlobalDispatcher } from "undici";
import type { ProxySettings } from "../steps/step-context.ts";

/**
 * Node's fetch ignores HTTPS_PROXY/NO_PROXY unless a proxying dispatcher is installed; every client that
 * uses global fetch (the OCI SDK through its fetch shim, jose's remote JWKS, the smoke test) then
 * follows the runner's proxy. Adapter-neutral: the GitHub adapter and a CLI both call it first thing.
 * Returns whether a proxy was installed.
 */
export function installProxyDispatcher(proxy: ProxySettings): boolean {
  if (!proxy.httpsProxy && !proxy.httpProxy) return false;
  setGlobalDispatcher(
    new EnvHttpProxyAgent({
      ...(proxy.httpProxy ? { httpProxy: proxy.httpProxy } : {}),
      ...(proxy.httpsProxy ? { httpsProxy: proxy.httpsProxy } : {}),
      // An explicit value (even empty) stops undici from reading the environment itself.
      noProxy: proxy.noProxy ?? "",
    }),
  );
  return true;
}

/**
 * The proxy a request to `url` should use, as curl reads NO_PROXY (host, .domain, *.domain, host:port,
 * `*`); for clients with their own HTTP stack (msal-node). Loopback is not special: a proxy set for
 * tests on 127.0.0.1 is still used unless NO_PROXY says otherwise, as undici's agent does.
 */
export function proxyFor(url: string, proxy: ProxySettings): string | undefined {
  const target = new URL(url);
  const chosen = target.protocol === "https:" ? (proxy.httpsProxy ?? proxy.httpProxy) : proxy.httpProxy;
  if (!chosen) return undefined;
  const host = target.hostname.replace(/^\[(.+)\]$/, "$1").toLowerCase();
  const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
  for (const raw of (proxy.noProxy ?? "").split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return undefined;
    const match = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[(.+)\](:\d+)?$/, "$1$2"));
    const name = (match?.[1] ?? entry).replace(/^\*?\./, "");
    const entryPort = match?.[2] ? Number(match[2]) : undefined;
    if (entryPort !== undefined && entryPort !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  return chosen;
}
