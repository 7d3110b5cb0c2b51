// Pushes a small but well-formed image (one gzipped tar layer, a config, a schema 2 manifest)
// through the Registry HTTP API v2, exactly the calls `docker push` makes, so tests need no
// Docker engine: POST an upload, PUT it with ?digest=, then PUT the manifest under a tag.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { RegistryClient, type RegistryCredentials } from "./registry-client.ts";
import { tarFiles } from "./tar.ts";

export interface PushImageOptions {
  registry: RegistryCredentials;
  /** Path inside the registry, e.g. `<namespace>/fngate/hello`. */
  repository: string;
  tag: string;
  /** Files of the single layer; a placeholder file by default. */
  files?: Record<string, string | Buffer>;
  /** Image entrypoint, as `fn build` would set it for a Node function. */
  entrypoint?: string[];
  /** The config's architecture (amd64 by default), as `docker build --platform linux/<arch>` sets it. */
  architecture?: string;
}

export interface PushedImage {
  repository: string;
  tag: string;
  /** Manifest digest as the registry reports it (Docker-Content-Digest). */
  digest: string;
}

/** What an index entry needs to point at a pushed manifest. */
export interface ManifestDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export const MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

export async function pushImage(options: PushImageOptions): Promise<PushedImage> {
  const client = new RegistryClient(options.registry);
  const pushed = await pushImageManifest(client, options.repository, options.tag, options);
  return { repository: options.repository, tag: options.tag, digest: pushed.digest };
}

/** Uploads the layer and config and PUTs the manifest under `reference` (a tag or its own digest). */
export async function pushImageManifest(
  client: RegistryClient,
  repository: string,
  reference: string | undefined,
  options: Pick<PushImageOptions, "files" | "entrypoint" | "architecture">,
): Promise<ManifestDescriptor> {
  const tar = tarFiles(options.files ?? { "function/README": "fngate test image\n" });
  const config = {
    architecture: options.architecture ?? "amd64",
    os: "linux",
    config: { Entrypoint: options.entrypoint ?? ["node", "func.js"], WorkingDir: "/function" },
    rootfs: { type: "layers", diff_ids: [sha256(tar)] },
  };
  return pushManifest(client, repository, reference, {
    mediaType: MANIFEST_V2,
    config: { mediaType: "application/vnd.docker.container.image.v1+json", content: config },
    layer: { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", content: gzipSync(tar) },
  });
}

/** A one-layer manifest: its config and layer blobs are uploaded, then the manifest is PUT. */
export async function pushManifest(
  client: RegistryClient,
  repository: string,
  reference: string | undefined,
  parts: {
    mediaType: string;
    config: { mediaType: string; content: unknown };
    layer: { mediaType: string; content: Buffer; annotations?: Record<string, string> };
  },
): Promise<ManifestDescriptor> {
  const scope = `repository:${repository}:pull,push`;
  const config = Buffer.from(JSON.stringify(parts.config.content));
  const { content: layer, ...layerFields } = parts.layer;
  await uploadBlob(client, repository, layer, scope);
  await uploadBlob(client, repository, config, scope);
  const manifest = {
    schemaVersion: 2,
    mediaType: parts.mediaType,
    config: { mediaType: parts.config.mediaType, size: config.length, digest: sha256(config) },
    layers: [{ ...layerFields, size: layer.length, digest: sha256(layer) }],
  };
  return putManifest(client, repository, reference, parts.mediaType, Buffer.from(JSON.stringify(manifest)));
}

/** PUTs a manifest (image or index) under `reference`, or under its own digest when none is given. */
export async function putManifest(
  client: RegistryClient,
  repository: string,
  reference: string | undefined,
  mediaType: string,
  manifest: Buffer,
): Promise<ManifestDescriptor> {
  const target = reference ?? sha256(manifest);
  const response = await client.request(
    "PUT",
    `/v2/${repository}/manifests/${target}`,
    { headers: { "content-type": mediaType }, body: manifest },
    `repository:${repository}:pull,push`,
  );
  await expectStatus(response, 201, `PUT manifest ${repository}:${target}`);
  return {
    mediaType,
    digest: response.headers.get("docker-content-digest") ?? sha256(manifest),
    size: manifest.length,
  };
}

export async function uploadBlob(
  client: RegistryClient,
  repository: string,
  blob: Buffer,
  scope: string,
): Promise<void> {
  const digest = sha256(blob);
  const started = await client.request("POST", `/v2/${repository}/blobs/uploads/`, {}, scope);
  await expectStatus(started, 202, `start blob upload to ${repository}`);
  const location = started.headers.get("location");
  if (!location) throw new Error(`registry gave no Location for the upload to ${repository}`);
  const target = new URL(location, client.url);
  target.searchParams.set("digest", digest);
  const finished = await client.request(
    "PUT",
    target.toString(),
    { headers: { "content-type": "application/octet-stream" }, body: blob },
    scope,
  );
  await expectStatus(finished, 201, `finish blob upload ${digest}`);
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`registry: ${what}: HTTP ${response.status} ${text}`);
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
