import { createHash } from "node:crypto";
import { IMAGE_MANIFEST_TYPES, MANIFEST_ACCEPT } from "./image-platforms.ts";
import type { RegistrySession } from "./registry-session.ts";

/**
 * How a registry remembers which source an image was built from, so a runner with an empty docker
 * cache can find it: the image carries the label dev.fngate.context=<context hash> (in its config,
 * visible to `docker inspect` and every registry UI), and the repository holds it under the extra tag
 * fngate-<first 40 hex of the hash> as well as under the user's tag. The tag is what is looked up
 * (a tag is the one thing a registry finds by name); the label is checked before the image is used,
 * so a tag moved by hand, or a prefix collision, can cost a rebuild but never deploy other code.
 */
export const CONTEXT_LABEL = "dev.fngate.context";

/** 160 bits: as unique as a git commit id, and readable in a registry's tag list. */
export function contextTag(hash: string): string {
  return `fngate-${hash.slice(0, 40)}`;
}

/** A manifest exactly as the registry stores it: the same bytes under another tag keep its digest. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

// Manifests and configs are a few KB; anything this big is not one.
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

/** The manifest a tag or digest names; undefined when the registry has no such tag (or repository). */
export async function readManifest(
  session: RegistrySession,
  repository: string,
  reference: string,
): Promise<StoredManifest | undefined> {
  const response = await session.send(`/v2/${repository}/manifests/${reference}`, {
    accept: MANIFEST_ACCEPT,
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} for ${reference}`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new Error(`${bytes.length} bytes is not a manifest`);
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  // The digest of the bytes themselves: it is what the image is pinned to, whatever a header says.
  return { digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, mediaType, bytes };
}

/** What a tag points at now (HEAD: no body); undefined when the tag does not exist. */
export async function taggedDigest(
  session: RegistrySession,
  repository: string,
  tag: string,
): Promise<string | undefined> {
  const response = await session.send(`/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    accept: MANIFEST_ACCEPT,
  });
  await response.body?.cancel();
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${tag}`);
  const digest = response.headers.get("docker-content-digest");
  // Without the header (allowed by the spec for HEAD), the manifest is read to learn it.
  return digest ?? (await readManifest(session, repository, tag))?.digest;
}

/**
 * Puts `manifest` under `tag`: a manifest PUT of the same bytes, which the registry accepts because it
 * already holds every blob they name, so no layer moves and the digest stays the same.
 */
export async function putTag(
  session: RegistrySession,
  repository: string,
  tag: string,
  manifest: StoredManifest,
): Promise<void> {
  const response = await session.send(`/v2/${repository}/manifests/${tag}`, {
    method: "PUT",
    contentType: manifest.mediaType,
    body: manifest.bytes,
  });
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const answer = (await response.text()).replace(/\s+/g, " ").slice(0, 200);
  throw new Error(`HTTP ${response.status} for a PUT of tag ${tag}: ${answer}`);
}

/**
 * The image the context tag names, if it is one image manifest for `platform` whose config carries
 * the label with the whole hash; otherwise why not, as a clause after the repository's name.
 */
export async function findContextImage(
  session: RegistrySession,
  repository: string,
  hash: string,
  platform: string,
): Promise<{ manifest: StoredManifest } | { missing: string }> {
  const manifest = await readManifest(session, repository, contextTag(hash));
  const tag = contextTag(hash);
  if (!manifest) return { missing: "has no image built from this source yet" };
  const body = JSON.parse(manifest.bytes.toString("utf8")) as { config?: { digest?: string } };
  if (!IMAGE_MANIFEST_TYPES.includes(manifest.mediaType) || !body.config?.digest) {
    return { missing: `has ${tag}, but it is not one image manifest (${manifest.mediaType})` };
  }
  const config = (
    await session.json(`/v2/${repository}/blobs/${body.config.digest}`, "*/*", MAX_DOCUMENT_BYTES)
  ).body as { os?: string; architecture?: string; config?: { Labels?: Record<string, string> | null } };
  const label = config.config?.Labels?.[CONTEXT_LABEL];
  if (label !== hash) {
    return {
      missing: `${contextTag(hash)} is labelled ${CONTEXT_LABEL}=${label ?? "(none)"}, not this source`,
    };
  }
  const built = `${config.os ?? ""}/${config.architecture ?? ""}`;
  if (built !== platform) return { missing: `has ${tag}, but it is a ${built} image, not ${platform}` };
  return { manifest };
}
