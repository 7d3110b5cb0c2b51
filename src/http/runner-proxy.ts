import http from "node:http";
import https from "node:https";
import type { ProxySettings } from "../step-context.ts";
import { probeProxy } from "./proxy-probe.ts";

/** A proxy that would not carry a call: it refused the tunnel, or could not be reached at all. */
export interface ProxyFailure {
  /** The proxy URL as configured (credentials removed). */
  proxy: string;
  /** host:port the call was for. */
  target: string;
  /** "answered 403 to CONNECT", "could not be reached (ECONNREFUSED)". */
  reason: string;
  /** A refusal (403 Forbidden, 407 Proxy Authentication Required) that no retry will change. */
  permanent: boolean;
  at: Date;
  /** What to change, when the reason calls for more than checking HTTPS_PROXY and NO_PROXY. */
  fix?: string;
}

/**
 * The runner's proxy once applied. `failure` is the last call it refused or dropped, if any: clients
 * report such a failure as "fetch failed" at best (the OCI SDK keeps only that), so the adapter asks
 * here to name the proxy in its error line, and the OCI retry policy stops retrying a refusal.
 */
export interface RunnerProxy {
  /** Set when this Node cannot apply the proxy to fetch. */
  warning?: string;
  failure(): ProxyFailure | undefined;
}

export function describeProxyFailure(failure: ProxyFailure): string {
  const fix =
    failure.fix ?? "check HTTPS_PROXY, or list the host in NO_PROXY if it must be reached directly.";
  return `the proxy ${failure.proxy} (HTTPS_PROXY) ${failure.reason} for ${failure.target}: ${fix}`;
}

/**
 * Node's fetch and its global http/https agents ignore HTTPS_PROXY/NO_PROXY unless told at run time
 * (http.setGlobalProxyFromEnv, in recent Node 24 releases); then every client on them follows the runner's proxy: the
 * OCI SDK (through its fetch shim), msal-node, jose's remote JWKS, the smoke test, gaxios, and the
 * Alibaba SDKs (through the httpx shim in scripts/shims). Node's own proxy support instead of undici's
 * agent keeps ~0.7 MB of undici out of every bundle. Adapter-neutral: the GitHub adapter and the CLI
 * both call it first thing, and keep what it returns for their error line and the step context.
 */
export function applyRunnerProxy(proxy: ProxySettings): RunnerProxy {
  if (!proxy.httpsProxy && !proxy.httpProxy) return { failure: () => undefined };
  const proxyEnv = {
    ...(proxy.httpProxy ? { HTTP_PROXY: proxy.httpProxy } : {}),
    ...(proxy.httpsProxy ? { HTTPS_PROXY: proxy.httpsProxy } : {}),
    // An explicit value (even empty) keeps Node from reading the environment itself.
    NO_PROXY: proxy.noProxy ?? "",
  };
  const setGlobalProxy = (http as { setGlobalProxyFromEnv?: (env: NodeJS.ProcessEnv) => unknown })
    .setGlobalProxyFromEnv;
  if (setGlobalProxy) {
    setGlobalProxy(proxyEnv);
    // Only then does fetch go through the proxy, so only then may its failures be the proxy's.
    return watchFetchFailures(proxy);
  }
  http.globalAgent = new http.Agent({ keepAlive: true, proxyEnv });
  https.globalAgent = new https.Agent({ keepAlive: true, proxyEnv });
  const warning = `HTTPS_PROXY is set, but Node.js ${process.version} has no http.setGlobalProxyFromEnv to apply it to fetch: the OCI, Entra and smoke-test calls go direct; use a runner with a newer Node.js 24.`;
  return { warning, failure: () => undefined };
}

/**
 * A failed fetch through the proxy says little ("fetch failed: Request was cancelled" for a refused
 * tunnel), so the failure is explained once, and kept for the error line and for the OCI retry policy
 * (a 403/407 will not change on retry).
 */
function watchFetchFailures(proxy: ProxySettings): RunnerProxy {
  let last: ProxyFailure | undefined;
  const fetchWithoutWatch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    try {
      return await fetchWithoutWatch(input, init);
    } catch (error) {
      const url = input instanceof Request ? input.url : String(input);
      const via = proxyFor(url, proxy);
      const failure = via ? await proxyAnswer(via, new URL(url), error) : undefined;
      if (failure) last = failure;
      throw error;
    }
  };
  return { failure: () => last };
}

/** What to do about a 407: credentials are missing, or the ones given were refused. */
function authenticationFix(withCredentials: boolean): string {
  return withCredentials
    ? "the proxy refused the user name and password in HTTPS_PROXY: check them (percent-encoded in https://USER:PASSWORD@host:port)."
    : "the proxy wants a user name and password: put them in HTTPS_PROXY as https://USER:PASSWORD@host:port (percent-encoded).";
}

/**
 * Why the call to `target` through the proxy `via` failed. Node's fetch keeps the proxy's answer to
 * its own CONNECT (sent with the configured credentials) deep in the error's causes; when it is there,
 * that is the answer. Otherwise the proxy is asked once more, without credentials (probeProxy).
 */
async function proxyAnswer(via: string, target: URL, error: unknown): Promise<ProxyFailure | undefined> {
  const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
  const hostPort = `${target.hostname}:${port}`;
  const proxyUrl = new URL(via);
  const withCredentials = proxyUrl.username !== "" || proxyUrl.password !== "";
  const failure = (status: number | undefined, reason: string, fix?: string): ProxyFailure => {
    const authentication = status === 407 ? authenticationFix(withCredentials) : fix;
    return {
      proxy: withoutCredentials(via),
      target: hostPort,
      reason: status === 407 ? "answered 407 (Proxy Authentication Required) to CONNECT" : reason,
      permanent: status === 403 || status === 407,
      at: new Date(),
      ...(authentication ? { fix: authentication } : {}),
    };
  };
  const status = tunnelStatusIn(error);
  if (status !== undefined) return failure(status, `answered ${status} to CONNECT`);
  const answer = await probeProxy(proxyUrl, hostPort);
  if (answer.ok) return undefined;
  // The probe carries no credentials: with credentials configured, a 403/407 is the probe's own, and
  // the call itself got through CONNECT (else its status would be in the error), so the proxy is not
  // what failed.
  if ((answer.status === 403 || answer.status === 407) && withCredentials) return undefined;
  return failure(answer.status, answer.reason, answer.fix);
}

/** The status a proxy answered to fetch's CONNECT, from undici's "Proxy response (407) !== 200 ...". */
function tunnelStatusIn(error: unknown): number | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    const status = /Proxy response \((\d{3})\)/.exec(cause.message)?.[1];
    if (status) return Number(status);
    cause = cause.cause;
  }
  return undefined;
}

/** A proxy URL as it may be shown: without the user name and password HTTPS_PROXY may carry. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(HTTPS_PROXY)";
  }
}

/**
 * The proxy a request to `url` should use, as curl reads NO_PROXY (host, .domain, *.domain, host:port,
 * `*`): which proxy to ask when a call failed. Loopback is not special: a proxy set for tests on
 * 127.0.0.1 is still used unless NO_PROXY says otherwise, as Node's proxy support does.
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
    const { name, entryPort } = noProxyEntry(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  return chosen;
}

/** "host", ".domain", "*.domain", "host:port", "[::1]", "[::1]:443" or a bare IPv6 address. */
function noProxyEntry(entry: string): { name: string; entryPort: number | undefined } {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(entry);
  if (bracketed)
    return { name: bracketed[1] ?? "", entryPort: bracketed[2] ? Number(bracketed[2]) : undefined };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  const name = (hostPort ? (hostPort[1] ?? "") : entry).replace(/^\*?\./, "");
  return { name, entryPort: hostPort ? Number(hostPort[2]) : undefined };
}
