import { connect as connectTcp, isIP, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

/** What the proxy answered to one CONNECT, or why it could not be asked. */
export interface ProxyAnswer {
  /** The tunnel was opened (200). */
  ok: boolean;
  /** The CONNECT status, when the proxy answered one. */
  status?: number;
  /** "could not be reached (ECONNREFUSED)", "answered 502 to CONNECT" ... (empty when ok). */
  reason: string;
  /** What to change, when it is more specific than "check HTTPS_PROXY". */
  fix?: string;
}

/** The port a proxy URL means: its own, else the scheme's (https 443, http 80). */
export function proxyPort(proxyUrl: URL): number {
  return Number(proxyUrl.port) || (proxyUrl.protocol === "https:" ? 443 : 80);
}

/**
 * One CONNECT for `hostPort` through `proxyUrl`, to learn why a call through it failed. An https://
 * proxy is spoken to over TLS, trusting what Node trusts (its CA list plus NODE_EXTRA_CA_CERTS). The
 * probe never sends the proxy credentials: it is a diagnosis made after a failure, so a proxy that
 * demands them answers 407, and the caller judges that knowing whether credentials are configured.
 */
export function probeProxy(proxyUrl: URL, hostPort: string, timeoutMs = 3000): Promise<ProxyAnswer> {
  const host = proxyUrl.hostname.replace(/^\[(.+)\]$/, "$1");
  const port = proxyPort(proxyUrl);
  const tls = proxyUrl.protocol === "https:";
  return new Promise((resolve) => {
    const socket: Socket = tls
      ? // SNI takes a name only; an address is verified against the certificate's IP entries.
        connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }) })
      : connectTcp(port, host);
    const done = (answer: ProxyAnswer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () =>
      done({ ok: false, reason: `did not answer within ${timeoutMs / 1000} s` }),
    );
    socket.on("error", (error: NodeJS.ErrnoException) => done(unreachable(error, tls)));
    socket.on(tls ? "secureConnect" : "connect", () =>
      socket.write(`CONNECT ${hostPort} HTTP/1.1\r\nHost: ${hostPort}\r\n\r\n`),
    );
    let head = "";
    socket.on("data", (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n")) return;
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      if (status === 200) done({ ok: true, status, reason: "" });
      else if (status === 0) done({ ok: false, reason: "answered garbage to CONNECT" });
      else done({ ok: false, status, reason: `answered ${status} to CONNECT` });
    });
    socket.on("end", () => done({ ok: false, reason: "closed the connection without answering" }));
  });
}

function unreachable(error: NodeJS.ErrnoException, tls: boolean): ProxyAnswer {
  const code = error.code ?? "";
  if (tls && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ALTNAME/i.test(code)) {
    return {
      ok: false,
      reason: `could not be reached over TLS (${code})`,
      fix: "its certificate is not trusted: add its CA to NODE_EXTRA_CA_CERTS (a PEM file), or check the host in HTTPS_PROXY.",
    };
  }
  return { ok: false, reason: `could not be reached${code ? ` (${code})` : ""}` };
}
