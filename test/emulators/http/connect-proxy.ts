// A real HTTP proxy for HTTPS clients: it answers CONNECT host:port by opening a TCP tunnel and counts
// the tunnels per target as the client asked for it. Names under `resolve` (e.g. ".fngate.test") are
// connected to 127.0.0.1 (and names under `redirect` to a given loopback port), so tests can give the emulators names no resolver knows: a client that
// skipped the proxy would fail DNS rather than quietly reach the emulator. In `refuse` mode it answers
// CONNECT with 403, as a corporate proxy does for a host it does not allow. Plain (non-CONNECT) proxy
// requests are counted and refused: every call in the suite is HTTPS.
// With `tls` it is an https:// proxy (clients speak TLS to the proxy itself, then TLS to the target
// inside the tunnel); with `credentials` it demands Proxy-Authorization (407 otherwise), as an
// authenticating corporate proxy does. Every CONNECT is recorded with the Proxy-Authorization it
// carried, and a client that spoke plain text to the TLS proxy is counted, so tests can prove what
// went over the wire and how.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { TlsMaterial } from "../tls/test-ca.ts";
import { closeServer, listenOnLoopback } from "./loopback-server.ts";

export interface ConnectProxyOptions {
  /** Domain suffixes (".fngate.test") whose names the proxy connects to 127.0.0.1, same port. */
  resolve?: readonly string[];
  /**
   * Names connected to a given loopback port whatever port was asked for: real hostnames of services
   * on 443 (".apigateway.us-phoenix-1.oci.customer-oci.com" -> the gateway data plane's port).
   */
  redirect?: readonly { suffix: string; port: number }[];
  /** Answer every CONNECT with 403 Forbidden. */
  refuse?: boolean;
  /** Serve the proxy over TLS with this certificate (an https:// proxy URL). */
  tls?: TlsMaterial;
  /** Demand `Proxy-Authorization: Basic base64(user:password)`; anything else gets 407. */
  credentials?: { username: string; password: string };
  /** Answer 200 to CONNECT and then close the tunnel at once: the call fails past the proxy. */
  dropTunnels?: boolean;
}

/** One CONNECT as the proxy received it. */
export interface ConnectRecord {
  target: string;
  /** The Proxy-Authorization header as sent, if any. */
  proxyAuthorization: string | undefined;
  /** The proxy's answer. */
  status: number;
}

export interface ConnectProxy {
  /** http://127.0.0.1:<port> (https:// with `tls`), for HTTPS_PROXY. */
  url: string;
  /** Every CONNECT, in arrival order. */
  readonly connects: ConnectRecord[];
  /** Connections to the TLS proxy that failed the handshake (a client speaking plain text to it). */
  readonly handshakeFailures: string[];
  /** Tunnels opened (or refused) per "host:port" as requested. */
  readonly tunnels: Map<string, number>;
  /** Plain-HTTP proxy requests (never expected). */
  readonly plainRequests: string[];
  /** Every tunnel request, opened or refused. */
  total(): number;
  /** Tunnels to targets whose host is `host`, or ends with it when it starts with a dot. */
  countFor(host: string): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const tunnels = new Map<string, number>();
  const plainRequests: string[] = [];
  const connects: ConnectRecord[] = [];
  const handshakeFailures: string[] = [];
  const open = new Set<Socket | Duplex>();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    plainRequests.push(`${req.method} ${req.url}`);
    res.writeHead(405, { "content-type": "text/plain" }).end("this proxy only tunnels (CONNECT)\n");
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.keyPem, cert: options.tls.certPem }, onRequest)
    : createHttpServer(onRequest);
  server.on("tlsClientError", (error: Error) => handshakeFailures.push(error.message));
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString("base64")}`
    : undefined;
  server.on("connect", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const target = req.url ?? "";
    tunnels.set(target, (tunnels.get(target) ?? 0) + 1);
    const record: ConnectRecord = {
      target,
      proxyAuthorization: req.headers["proxy-authorization"],
      status: 0,
    };
    connects.push(record);
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => client.destroy());
    const refuse = (status: number, text: string, extra = "") => {
      record.status = status;
      client.end(`HTTP/1.1 ${status} ${text}\r\n${extra}content-length: 0\r\nconnection: close\r\n\r\n`);
    };
    if (options.refuse) return refuse(403, "Forbidden");
    if (expected !== undefined && record.proxyAuthorization !== expected) {
      return refuse(
        407,
        "Proxy Authentication Required",
        'proxy-authenticate: Basic realm="fngate-test"\r\n',
      );
    }
    if (options.dropTunnels) {
      record.status = 200;
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      client.destroy();
      return;
    }
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    if (!match) return refuse(400, "Bad Request");
    const [, host = "", port = "0"] = match;
    const redirected = options.redirect?.find((entry) => host.endsWith(entry.suffix));
    const local = redirected !== undefined || (options.resolve ?? []).some((suffix) => host.endsWith(suffix));
    const upstream = connect(redirected?.port ?? Number(port), local ? "127.0.0.1" : host, () => {
      record.status = 200;
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    open.add(upstream);
    upstream.on("close", () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => {
      record.status = 502;
      client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
    });
    client.on("close", () => upstream.destroy());
  });
  const port = await listenOnLoopback(server);
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    connects,
    handshakeFailures,
    tunnels,
    plainRequests,
    total: () => [...tunnels.values()].reduce((sum, count) => sum + count, 0),
    countFor: (host) =>
      [...tunnels.entries()]
        .filter(([target]) => {
          const name = target.replace(/:\d+$/, "");
          return host.startsWith(".") ? name.endsWith(host) : name === host;
        })
        .reduce((sum, [, count]) => sum + count, 0),
    reset: () => {
      tunnels.clear();
      plainRequests.length = 0;
      connects.length = 0;
      handshakeFailures.length = 0;
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await closeServer(server);
    },
  };
}
