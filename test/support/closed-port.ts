import { type AddressInfo, createServer } from "node:net";

/**
 * A loopback port nothing listens on (bound, then released): a call to it is refused at once. A fixed
 * one will not do: fetch refuses well-known ports such as 9 outright.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
