// Function images and the registry behind them. Image references as OCI Functions stores them; the
// registry client the OCI emulator uses, against the real distribution registry (Basic auth via
// htpasswd) and against a token service for the Bearer challenge OCIR uses; and the OCI emulator
// holding function images to the application's shape, reading the pinned manifest from the real
// registry: an image for another architecture, a single image on GENERIC_X86_ARM, or an index without
// the shape's architecture is refused with 400 InvalidParameter on CreateFunction and UpdateFunction;
// an image that fits (single or multi-arch, attestations ignored) is accepted.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { rejectsWithOciError as rejectsWith } from "./emulators/oci/assert-oci-error.ts";
import { functionsClients } from "./emulators/oci/sdk-clients.ts";
import { manifestReference, parseImageReference } from "./emulators/registry/image-reference.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { pushIndex } from "./emulators/registry/push-index.ts";
import { RegistryClient } from "./emulators/registry/registry-client.ts";
import { registrySkip, type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { NO_RETRY, type OciSdkWorld, startOciSdkWorld } from "./support/oci-sdk-world.ts";

const skip = registrySkip();
const user = { username: "pusher", password: `shape-${process.pid}` };

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

describe("OCI emulator: function images in the real registry fit the application's shape", { skip }, () => {
  let w: OciSdkWorld;
  let registry: StartedRegistry;
  const images: Record<string, string> = {};

  before(async () => {
    w = await startOciSdkWorld({ functionActiveDelayMs: 0 }, "shapes");
    registry = await startRegistry({ users: [user] });
    w.stack.oci.setRegistry({ url: registry.url, ...user });
    const credentials = { url: registry.url, ...user };
    const image = async (tag: string, architecture: string) => {
      const pushed = await pushImage({ registry: credentials, repository: "ns/fn", tag, architecture });
      return `${registry.host}/ns/fn@${pushed.digest}`;
    };
    const index = async (tag: string, architectures: string[], attestations = false) => {
      const pushed = await pushIndex({
        registry: credentials,
        repository: "ns/fn",
        tag,
        architectures,
        attestations,
      });
      return `${registry.host}/ns/fn@${pushed.digest}`;
    };
    images.amd64 = await image("amd64", "amd64");
    images.arm64 = await image("arm64", "arm64");
    images.both = await index("both", ["amd64", "arm64"]);
    images.armOnlyIndex = await index("arm-index", ["arm64"]);
    images.amd64Attested = await index("attested", ["amd64"], true);
  });
  after(async () => {
    await w?.close();
    await registry?.close();
  });

  test("registry client: a pushed image has a digest by tag and by digest; others are absent; wrong credentials fail", async () => {
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

  const create = (applicationId: string, displayName: string, image = "") => {
    const [name = "", digest = ""] = image.split("@");
    const details = {
      applicationId,
      displayName,
      image: `${name}:pinned`,
      imageDigest: digest,
      memoryInMBs: 128,
    };
    return functionsClients(w.url, w.me).management.createFunction({
      createFunctionDetails: details,
      ...NO_RETRY,
    });
  };
  const application = (displayName: string, shape?: string) =>
    w.stack.oci.state.fn.createApplication({
      compartmentId: w.tenancy.id,
      displayName,
      ...(shape ? { shape } : {}),
    }).id;

  test("GENERIC_X86 (the default): amd64 images and indexes holding amd64 fit; arm64 does not", async () => {
    const x86 = application("x86");
    for (const name of ["amd64", "both", "amd64Attested"]) {
      assert.equal((await create(x86, name, images[name])).function.shape, "GENERIC_X86");
    }
    await rejectsWith(
      create(x86, "arm", images.arm64),
      400,
      "InvalidParameter",
      /\(linux\/arm64\) is not compatible with the application shape GENERIC_X86, which needs linux\/amd64\.$/,
    );
    await rejectsWith(create(x86, "arm-index", images.armOnlyIndex), 400, "InvalidParameter");
  });

  test("GENERIC_ARM takes arm64; GENERIC_X86_ARM takes only a multi-arch index with both", async () => {
    const arm = application("arm", "GENERIC_ARM");
    await create(arm, "arm", images.arm64);
    await create(arm, "arm-from-index", images.both);
    await rejectsWith(create(arm, "x86", images.amd64), 400, "InvalidParameter", /GENERIC_ARM/);
    const multi = application("multi", "GENERIC_X86_ARM");
    await create(multi, "both", images.both);
    await rejectsWith(
      create(multi, "single", images.amd64),
      400,
      "InvalidParameter",
      /needs linux\/amd64 and linux\/arm64 in a multi-architecture image/,
    );
  });

  test("UpdateFunction to an image that does not fit is refused and the function keeps its image", async () => {
    const created = await create(application("x86-update"), "updated", images.amd64);
    const [name = "", digest = ""] = (images.arm64 ?? "").split("@");
    const functionId = created.function.id ?? "";
    const update = functionsClients(w.url, w.me).management.updateFunction({
      functionId,
      updateFunctionDetails: { image: `${name}:arm`, imageDigest: digest },
      ...NO_RETRY,
    });
    await rejectsWith(update, 400, "InvalidParameter");
    assert.equal(w.stack.oci.state.fn.functions.get(functionId)?.imageDigest, images.amd64?.split("@")[1]);
  });
});
