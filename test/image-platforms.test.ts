// fngate reads a pushed image's manifest itself (docker CLIs before 23 cannot read an OCI index), with
// the login docker stored: against the real registry, a single image reports its config's platform, an
// index its entries, BuildKit's attestation entries are counted apart (by annotation), and a registry
// without a login for it is one clear line. The login is found as the docker CLI finds it: a
// credential helper program, the credsStore, or config.json's auths.
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { dockerLogin } from "../src/docker/docker-credentials.ts";
import { readImagePlatforms } from "../src/docker/image-platforms.ts";
import { isUserError } from "../src/errors.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { pushIndex } from "./emulators/registry/push-index.ts";
import { registrySkip, type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";

const user = { username: "reader", password: `platforms-${process.pid}` };
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), "fngate-image-platforms-"));
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("readImagePlatforms against the real registry", { skip: registrySkip() }, () => {
  let registry: StartedRegistry;
  const secrets: string[] = [];
  const options = {
    login: async (host: string) => (host === registry.host ? user : undefined),
    registerSecret: (value: string) => secrets.push(value),
  };

  const credentials = () => ({ url: registry.url, ...user });
  before(async () => {
    registry = await startRegistry({ users: [user] });
  });
  after(async () => {
    await registry?.close();
  });

  it("a single image: its manifest type and its config's platform; the login is registered as a secret", async () => {
    const pushed = await pushImage({
      registry: credentials(),
      repository: "ns/one",
      tag: "1",
      architecture: "arm64",
    });
    assert.deepEqual(await readImagePlatforms(`${registry.host}/ns/one@${pushed.digest}`, options), {
      kind: "image",
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      platforms: [{ os: "linux", architecture: "arm64" }],
      attestations: 0,
    });
    assert.ok(secrets.includes(user.password));
  });

  it("an OCI index: its platforms, with BuildKit's attestation manifests counted apart; by tag too", async () => {
    const architectures = ["amd64", "arm64"];
    const pushed = await pushIndex({
      registry: credentials(),
      repository: "ns/multi",
      tag: "2",
      architectures,
      attestations: true,
    });
    const expected = {
      kind: "index",
      mediaType: "application/vnd.oci.image.index.v1+json",
      platforms: architectures.map((architecture) => ({ os: "linux", architecture })),
      attestations: 2,
    };
    for (const reference of [`ns/multi@${pushed.digest}`, "ns/multi:2"]) {
      assert.deepEqual(await readImagePlatforms(`${registry.host}/${reference}`, options), expected);
    }
  });

  it("without a login for the registry, or for an image it does not have: one line naming the image", async () => {
    const anonymous = { ...options, login: async () => undefined };
    await assert.rejects(
      readImagePlatforms(`${registry.host}/ns/one:1`, anonymous),
      (error: unknown) =>
        isUserError(error) &&
        error.message ===
          `cannot read ${registry.host}/ns/one:1's manifest from ${registry.host} (no docker login for ${registry.host}): fngate reads it to check the image fits the function's shape; the registry login must allow pulls.`,
    );
    await assert.rejects(
      readImagePlatforms(`${registry.host}/ns/none:9`, options),
      (error: unknown) => isUserError(error) && /\(HTTP 404 for 9\)/.test(error.message),
    );
  });
});

describe("dockerLogin finds what docker login stored", () => {
  it("auths (base64 user:password, or username and password), matched by host, also for URL keys", async () => {
    const dir = join(root, "auths");
    await mkdir(dir);
    await writeFile(
      join(dir, "config.json"),
      JSON.stringify({
        auths: {
          "ocir.ap-tokyo-1.oci.oraclecloud.com": { auth: Buffer.from("ns/jane:tok:en").toString("base64") },
          "127.0.0.1:5000": { username: "u", password: "p" },
          "https://index.docker.io/v1/": { auth: Buffer.from("hub:secret").toString("base64") },
        },
      }),
    );
    assert.deepEqual(await dockerLogin(dir, "ocir.ap-tokyo-1.oci.oraclecloud.com", process.env), {
      username: "ns/jane",
      password: "tok:en",
    });
    assert.deepEqual(await dockerLogin(dir, "127.0.0.1:5000", process.env), { username: "u", password: "p" });
    assert.deepEqual(await dockerLogin(dir, "index.docker.io", process.env), {
      username: "hub",
      password: "secret",
    });
    assert.equal(await dockerLogin(dir, "other.example.com", process.env), undefined);
    assert.equal(await dockerLogin(join(root, "none"), "127.0.0.1:5000", process.env), undefined);
  });

  it("a credential helper (credHelpers for the host, else credsStore) on PATH is asked with get and the host", async () => {
    const dir = join(root, "helpers");
    const bin = join(dir, "bin");
    await mkdir(bin, { recursive: true });
    // What docker-credential-pass or -ecr-login do: read the host on stdin, print Username and Secret.
    await writeFile(
      join(bin, "docker-credential-fngatetest"),
      '#!/bin/sh\nread host\n[ "$1" = get ] || exit 1\nprintf \'{"ServerURL":"%s","Username":"helped","Secret":"from-%s"}\' "$host" "$host"\n',
    );
    await chmod(join(bin, "docker-credential-fngatetest"), 0o755);
    await writeFile(
      join(dir, "config.json"),
      JSON.stringify({
        credHelpers: { "registry.example.com": "fngatetest" },
        credsStore: "absent",
        auths: {},
      }),
    );
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
    assert.deepEqual(await dockerLogin(dir, "registry.example.com", env), {
      username: "helped",
      password: "from-registry.example.com",
    });
    // The credsStore program is not installed: no login, not a crash.
    assert.equal(await dockerLogin(dir, "elsewhere.example.com", env), undefined);
  });
});
