// A loopback HTTP proxy in front of the real registry that answers chosen requests itself (a 500 for
// the manifest of one tag, say) and passes everything else through unchanged, Host header included,
// so the registry's upload Locations keep pointing at the proxy. docker push and pull go through it as
// through any plain-HTTP loopback registry.
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RegistryFaultProxy {
  /** 127.0.0.1:<port>: the registry part of image names. */
  host: string;
  /** Requests answered by the fault so far, as "METHOD path". */
  faulted: string[];
  /**
   * Answers a matching request with `status` (and a registry error body) instead of forwarding it;
   * `agent` is its User-Agent (docker's start with "docker/").
   */
  fail(match: (method: string, path: string, agent: string) => boolean, status: number): void;
  clear(): void;
  close(): Promise<void>;
}

export async function startRegistryFaultProxy(registryUrl: string): Promise<RegistryFaultProxy> {
  const target = new URL(registryUrl);
  let fault: { match: (method: string, path: string, agent: string) => boolean; status: number } | undefined;
  const faulted: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    if (fault?.match(method, path, req.headers["user-agent"] ?? "")) {
      faulted.push(`${method} ${path}`);
      req.resume();
      res.writeHead(fault.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "UNKNOWN", message: "injected by the test's proxy" }] }));
      return;
    }
    const upstream = forward(
      { host: target.hostname, port: target.port, method, path, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    faulted,
    fail: (match, status) => {
      fault = { match, status };
    },
    clear: () => {
      fault = undefined;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
