import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { type AddressInfo, createServer as createNetServer } from "node:net";

/** Listens on a free loopback port (only loopback: tests never listen beyond this machine); returns it. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** A loopback port that was free a moment ago, for a child process that is told where to listen. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * An HTTPS server with `tls`'s certificate on a free loopback port. A handler that fails is logged as
 * `<name>: failed to answer`, then `fail` answers (default: the connection is dropped).
 */
export async function serveHttpsOnLoopback(
  tls: { keyPem: string; certPem: string },
  name: string,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
  fail: (res: ServerResponse) => void = (res) => res.destroy(),
): Promise<{ server: Server; port: number; url: string }> {
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(`${name}: failed to answer`, error);
      fail(res);
    });
  });
  const port = await listenOnLoopback(server);
  return { server, port, url: `https://127.0.0.1:${port}` };
}

/** The whole request body; `tooLarge()` is thrown as soon as it passes `maxBytes`. */
export async function readBody(
  req: IncomingMessage,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Stops the server, closing keep-alive sockets of fetch and MSAL clients that would hold close() open. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
