import http from "node:http";
import https from "node:https";
import { DecoratorHandler, type Dispatcher, EnvHttpProxyAgent, setGlobalDispatcher } from "undici";
import type { ProxySettings } from "../steps/step-context.ts";

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
}

let lastFailure: ProxyFailure | undefined;

/**
 * The last call a proxy refused or dropped, if any. Clients report such a failure as "fetch failed" at
 * best (the OCI SDK keeps only that), so the adapter asks here to name the proxy in its error line.
 */
export function proxyFailure(): ProxyFailure | undefined {
  return lastFailure;
}

export function describeProxyFailure(failure: ProxyFailure): string {
  return `the proxy ${failure.proxy} (HTTPS_PROXY) ${failure.reason} for ${failure.target}: check HTTPS_PROXY, or list the host in NO_PROXY if it must be reached directly.`;
}

/**
 * Node's fetch ignores HTTPS_PROXY/NO_PROXY unless a proxying dispatcher is installed; every client that
 * uses global fetch (the OCI SDK through its fetch shim, jose's remote JWKS, the smoke test) then
 * follows the runner's proxy. Adapter-neutral: the GitHub adapter and a CLI both call it first thing.
 * Returns whether a proxy was installed.
 */
export function installProxyDispatcher(proxy: ProxySettings): boolean {
  if (!proxy.httpsProxy && !proxy.httpProxy) return false;
  const agent = new EnvHttpProxyAgent({
    ...(proxy.httpProxy ? { httpProxy: proxy.httpProxy } : {}),
    ...(proxy.httpsProxy ? { httpsProxy: proxy.httpsProxy } : {}),
    // An explicit value (even empty) stops undici from reading the environment itself.
    noProxy: proxy.noProxy ?? "",
  });
  setGlobalDispatcher(agent.compose(watchProxyFailures(proxy)));
  // Clients on node:http(s) with the default agent (the Alibaba SDKs, through the httpx shim in
  // scripts/shims) follow the same settings: Node 24 agents proxy by themselves given proxyEnv.
  const proxyEnv = {
    ...(proxy.httpProxy ? { HTTP_PROXY: proxy.httpProxy } : {}),
    ...(proxy.httpsProxy ? { HTTPS_PROXY: proxy.httpsProxy } : {}),
    ...(proxy.noProxy ? { NO_PROXY: proxy.noProxy } : {}),
  };
  http.globalAgent = new http.Agent({ keepAlive: true, proxyEnv });
  https.globalAgent = new https.Agent({ keepAlive: true, proxyEnv });
  return true;
}

/** Records proxy refusals and unreachable proxies (see proxyFailure), then lets the error go on. */
function watchProxyFailures(proxy: ProxySettings): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    const origin = String(options.origin ?? "");
    const via = origin ? proxyFor(origin, proxy) : undefined;
    if (!via) return dispatch(options, handler);
    const target = new URL(origin);
    const record = (reason: string, permanent: boolean) => {
      lastFailure = {
        proxy: withoutCredentials(via),
        target: `${target.hostname}:${target.port || (target.protocol === "https:" ? 443 : 80)}`,
        reason,
        permanent,
        at: new Date(),
      };
    };
    return dispatch(options, new ProxyFailureWatcher(handler, record));
  };
}

class ProxyFailureWatcher extends DecoratorHandler {
  readonly #record: (reason: string, permanent: boolean) => void;
  constructor(handler: Dispatcher.DispatchHandler, record: (reason: string, permanent: boolean) => void) {
    super(handler);
    this.#record = record;
  }
  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    const refused = /^Proxy response \((\d+)\)/.exec(error.message);
    const code = (error as { code?: string }).code;
    if (refused)
      this.#record(`answered ${refused[1]} to CONNECT`, refused[1] === "403" || refused[1] === "407");
    else if (code === "UND_ERR_PRX_CONN" || code === "UND_ERR_PRX_TLS") {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      this.#record(`could not be reached${cause ? ` (${cause})` : ""}`, false);
    }
    // DecoratorHandler's typings name no methods; at run time it forwards every callback.
    (DecoratorHandler.prototype as unknown as Dispatcher.DispatchHandler).onResponseError?.call(
      this,
      controller,
      error,
    );
  }
}

function withoutCredentials(url: string): string {
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
