// The registry side of function images: image references as OCI Functions stores them, and the
// registry client the OCI emulator uses, against the real distribution registry (Basic auth via
// htpasswd) and against a token service for the Bearer challenge OCIR uses.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { manifestReference, parseImageReference } from "./emulators/registry/image-reference.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { RegistryClient } from "./emulators/registry/registry-client.ts";
import { registrySkip, type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";

test("image references: any host, namespace paths, tags and digests", () => {
  const digest = `sha256:${"ab".repeat(32)}`;
  assert.deepEqual(parseImageReference("ocir.us-phoenix-1.oci.oraclecloud.com/axns/fngate/hello:0.0.1"), {
    host: "ocir.us-phoenix-1.oci.oraclecloud.com",
    repository: "axns/fngate/hello",
    tag: "0.0.1",
    digest: undefined,
  });
  const pinned = parseImageReference(`127.0.0.1:5000/axns/hello@${digest}`);
  assert.deepEqual(
    [pinned.host, pinned.repository, manifestReference(pinned)],
    ["127.0.0.1:5000", "axns/hello", digest],
  );
  assert.equal(manifestReference(parseImageReference("phx.ocir.io/axns/hello")), "latest");
  for (const bad of [
    "phx.ocir.io/AxNs/hello:1",
    "phx.ocir.io/axns/hello:",
    "phx.ocir.io/axns/hello@sha256:12",
    "",
  ]) {
    assert.throws(() => parseImageReference(bad), Error, bad);
  }
});

describe("registry client against the real registry", { skip: registrySkip() }, () => {
  const user = { username: "pusher", password: `pw-${process.pid}` };
  let registry: StartedRegistry;

  before(async () => {
    registry = await startRegistry({ users: [user] });
  });

  after(async () => {
    await registry?.close();
  });

  test("a pushed image has a digest by tag and by digest; others are absent; wrong credentials fail", async () => {
    assert.match(registry.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const pushed = await pushImage({
      registry: { url: registry.url, ...user },
      repository: "ns/app/fn",
      tag: "v1",
    });
    const client = new RegistryClient({ url: registry.url, ...user });
    assert.equal(await client.manifestDigest("ns/app/fn", "v1"), pushed.digest);
    assert.equal(await client.manifestDigest("ns/app/fn", pushed.digest), pushed.digest);
    assert.equal(await client.manifestDigest("ns/app/fn", "v2"), undefined);
    assert.equal(await client.manifestDigest("ns/other", "v1"), undefined);
    const intruder = new RegistryClient({ url: registry.url, username: user.username, password: "wrong" });
    await assert.rejects(intruder.manifestDigest("ns/app/fn", "v1"), /HTTP 401/);
  });
});

describe("registry client and a Bearer token service", () => {
  const digest = `sha256:${"cd".repeat(32)}`;
  const basic = `Basic ${Buffer.from("robot:secret").toString("base64")}`;
  let base = "";
  let tokensIssued = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", base);
    if (url.pathname === "/token") {
      const scoped =
        url.searchParams.get("scope") === "repository:ns/fn:pull" &&
        url.searchParams.get("service") === "test";
      if (req.headers.authorization !== basic || !scoped) return void res.writeHead(401).end();
      tokensIssued += 1;
      return void res.writeHead(200, { "content-type": "application/json" }).end('{"token":"t0k3n"}');
    }
    if (req.headers.authorization !== "Bearer t0k3n") {
      const challenge = `Bearer realm="${base}/token",service="test",scope="repository:ns/fn:pull"`;
      return void res.writeHead(401, { "www-authenticate": challenge }).end();
    }
    res.writeHead(200, { "docker-content-digest": digest }).end();
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.close();
  });

  test("the challenge is answered with a token fetched with the registry credentials", async () => {
    const client = new RegistryClient({ url: base, username: "robot", password: "secret" });
    assert.equal(await client.manifestDigest("ns/fn", "1"), digest);
    assert.equal(await client.manifestDigest("ns/fn", "1"), digest);
    assert.equal(tokensIssued, 1, "the token is reused for the same scope");
    const wrong = new RegistryClient({ url: base, username: "robot", password: "nope" });
    await assert.rejects(wrong.manifestDigest("ns/fn", "1"), /token service answered HTTP 401/);
  });
});
