// A real HTTP proxy for HTTPS clients: it answers CONNECT host:port by opening a TCP tunnel and counts
// the tunnels per target as the client asked for it. Names under `resolve` (e.g. ".fngate.test") are
// connected to 127.0.0.1 (and names under `redirect` to a given loopback port), so tests can give the emulators names no resolver knows: a client that
// skipped the proxy would fail DNS rather than quietly reach the emulator. In `refuse` mode it answers
// CONNECT with 403, as a corporate proxy does for a host it does not allow. Plain (non-CONNECT) proxy
// requests are counted and refused: every call in the suite is HTTPS.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
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
}

export interface ConnectProxy {
  /** http://127.0.0.1:<port>, for HTTPS_PROXY. */
  url: string;
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
  const open = new Set<Socket | Duplex>();
  const server: Server = createServer((req, res) => {
    plainRequests.push(`${req.method} ${req.url}`);
    res.writeHead(405, { "content-type": "text/plain" }).end("this proxy only tunnels (CONNECT)\n");
  });
  server.on("connect", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const target = req.url ?? "";
    tunnels.set(target, (tunnels.get(target) ?? 0) + 1);
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => client.destroy());
    if (options.refuse) {
      client.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
      return;
    }
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    if (!match) {
      client.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const [, host = "", port = "0"] = match;
    const redirected = options.redirect?.find((entry) => host.endsWith(entry.suffix));
    const local = redirected !== undefined || (options.resolve ?? []).some((suffix) => host.endsWith(suffix));
    const upstream = connect(redirected?.port ?? Number(port), local ? "127.0.0.1" : host, () => {
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
      client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
    });
    client.on("close", () => upstream.destroy());
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
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
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await closeServer(server);
    },
  };
}
