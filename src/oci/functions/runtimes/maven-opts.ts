import type { MavenProxyEnv } from "./language-template.ts";

/**
 * The MAVEN_OPTS value fn bakes into the Java build stage (fnproject/cli langs/java.go mavenOpts).
 * fn reads http_proxy/https_proxy/no_proxy from its own environment and, because Go's url.Parse("")
 * succeeds, writes the proxy properties even when they are unset, with empty values. A value Go cannot
 * parse drops that pair of properties.
 */
export function mavenOpts(proxy: MavenProxyEnv): string {
  let opts = "";
  const http = goUrlHostAndPort(proxy.httpProxy ?? "");
  if (http) opts += `-Dhttp.proxyHost=${http.host} -Dhttp.proxyPort=${http.port} `;
  const https = goUrlHostAndPort(proxy.httpsProxy ?? "");
  if (https) opts += `-Dhttps.proxyHost=${https.host} -Dhttps.proxyPort=${https.port} `;
  opts += `-Dhttp.nonProxyHosts=${(proxy.noProxy ?? "").replaceAll(",", "|")} `;
  return `${opts}-Dmaven.repo.local=/usr/share/maven/ref/repository`;
}

/**
 * What Go's net/url Parse(raw) then Hostname() and Port() give, or undefined where Parse fails. Covers
 * the forms proxy variables take (scheme://[user@]host[:port][/], bare host, host:port) and Go's
 * refusals for them (control characters, a leading colon, a colon in a scheme-less first segment,
 * a non-numeric port, an unclosed IPv6 bracket); percent-escape validation is not reproduced.
 */
export function goUrlHostAndPort(raw: string): { host: string; port: string } | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Go's url.Parse refuses exactly these bytes.
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined;
  let rest = raw.split("#")[0] ?? "";

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (rest.startsWith(":")) return undefined;
  let hasScheme = false;
  if (scheme?.[1]) {
    hasScheme = true;
    rest = rest.slice(scheme[0].length);
  }
  rest = rest.split("?")[0] ?? "";

  const none = { host: "", port: "" };
  if (!rest.startsWith("/")) {
    if (hasScheme) return none; // opaque URL such as "proxy:3128": no host
    if ((rest.split("/")[0] ?? "").includes(":")) return undefined;
  }
  if (!rest.startsWith("//") || (!hasScheme && rest.startsWith("///"))) return none;

  const authority = rest.slice(2).split("/")[0] ?? "";
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  let colonPort = "";
  if (hostPort.startsWith("[")) {
    const close = hostPort.lastIndexOf("]");
    if (close === -1) return undefined;
    colonPort = hostPort.slice(close + 1);
  } else {
    const colon = hostPort.lastIndexOf(":");
    if (colon !== -1) colonPort = hostPort.slice(colon);
  }
  if (!validOptionalPort(colonPort)) return undefined;

  let host = hostPort;
  let port = "";
  const colon = host.lastIndexOf(":");
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { host, port };
}

function validOptionalPort(colonPort: string): boolean {
  return colonPort === "" || /^:[0-9]*$/.test(colonPort);
}
