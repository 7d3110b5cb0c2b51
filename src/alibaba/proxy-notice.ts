import type { ProxySettings } from "../steps/step-context.ts";

/**
 * The Alibaba SDKs' HTTP layer (@darabonba/typescript doAction → httpx with its own keep-alive
 * agents) takes httpsProxy/noProxy options but never uses them for API calls, and offers no way to
 * hand it an agent. So fc-deploy cannot follow the runner's proxy; it says so instead of failing
 * later with a connection error that does not mention the proxy. Returns the warning, if any.
 */
export function proxyWarning(proxy: ProxySettings, hosts: string[]): string | undefined {
  // Every Alibaba API call is HTTPS, so only HTTPS_PROXY would apply.
  if (!proxy.httpsProxy) return undefined;
  const noProxy = (proxy.noProxy ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase().replace(/:\d+$/, ""))
    .filter((entry) => entry !== "");
  const direct = [...new Set(hosts.map((host) => host.replace(/:\d+$/, "")))].filter(
    (host) => !bypassesProxy(host, noProxy),
  );
  if (direct.length === 0) return undefined;
  return `HTTPS_PROXY is set, but the Alibaba Cloud SDK cannot use a proxy: ${direct.join(", ")} will be called directly. Allow that in the firewall (and list it in NO_PROXY to silence this warning).`;
}

/** NO_PROXY as curl reads it: `*`, exact hosts and IPs, and domains with or without a leading dot. */
export function bypassesProxy(host: string, noProxy: string[]): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, "");
  return noProxy.some((entry) => {
    if (entry === "*") return true;
    const domain = entry.replace(/^\./, "");
    return name === domain || name.endsWith(`.${domain}`);
  });
}
