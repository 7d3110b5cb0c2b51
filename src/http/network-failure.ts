/**
 * What a bare network error code means for the request that got it, in words a user can act on:
 * `ECONNREFUSED (nothing listens at api.example.com:443)`. The code stays first, for searching.
 */
export function explainNetworkFailure(code: string, url: string, proxy?: string): string {
  let target: URL | undefined;
  try {
    target = new URL(url);
  } catch {
    return code;
  }
  const host = target.hostname;
  const hostPort = `${host}:${target.port || (target.protocol === "https:" ? "443" : "80")}`;
  const why = meaning(code, host, hostPort);
  const via = proxy ? `, through the proxy ${proxy} (HTTPS_PROXY)` : "";
  return why ? `${code} (${why}${via})` : `${code}${via ? ` (${via.slice(2)})` : ""}`;
}

const TLS_TRUST = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
]);

function meaning(code: string, host: string, hostPort: string): string | undefined {
  if (code === "ECONNREFUSED") return `nothing listens at ${hostPort}`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `host ${host} not found: check the URL's host name`;
  if (code === "ECONNRESET") return `${hostPort} closed the connection`;
  if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT") return `no answer from ${hostPort} in time`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `${hostPort} cannot be reached from here`;
  if (TLS_TRUST.has(code)) {
    return `the TLS certificate of ${host} is not trusted: if the API uses a private CA, set NODE_EXTRA_CA_CERTS to its PEM file`;
  }
  if (code === "CERT_HAS_EXPIRED") return `the TLS certificate of ${host} has expired`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return `the TLS certificate is not for ${host}`;
  return undefined;
}
