import { UserError } from "../errors.ts";
import { type RegistryAccess, RegistrySession, splitReference } from "./registry-session.ts";

/**
 * What a pushed image holds, as the registry serves it: one image manifest (with the platform its
 * config names), or an index of several (docker's manifest list or an OCI image index). BuildKit's
 * provenance and SBOM attestations are index entries annotated as attestation manifests under
 * platform unknown/unknown
 * (https://github.com/moby/buildkit/blob/master/docs/attestations/attestation-storage.md).
 *
 * Read with the Registry HTTP API directly rather than `docker manifest inspect`: docker CLIs before
 * 23 (Debian's docker.io 20.10) answer "no such manifest" for an OCI image index
 * (https://github.com/docker/buildx/issues/1509), which is exactly what buildx pushes, and every CLI
 * rewrites an OCI index as a manifest list without its annotations.
 */
export interface ImagePlatforms {
  kind: "image" | "index";
  /** The manifest's own media type. */
  mediaType: string;
  platforms: { os: string; architecture: string }[];
  /** Index entries that are attestations, not images. */
  attestations: number;
}

export const IMAGE_MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
];
const INDEX_TYPES = [
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
];
export const MANIFEST_ACCEPT = [...INDEX_TYPES, ...IMAGE_MANIFEST_TYPES].join(", ");
// Manifests and configs are a few KB; anything this big is not one.
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

/** The login docker stored for a host (see docker-credentials.ts), and where its secrets are registered. */
export type ReadOptions = RegistryAccess;

interface IndexEntry {
  mediaType?: string;
  platform?: { os?: string; architecture?: string };
  annotations?: Record<string, string>;
}

/** The platforms of `reference` (HOST/PATH@sha256:… or HOST/PATH:TAG) as its registry serves them. */
export async function readImagePlatforms(reference: string, options: ReadOptions): Promise<ImagePlatforms> {
  const image = splitReference(reference);
  const registry = new RegistrySession(image, options);
  try {
    const manifest = await registry.json(
      `/v2/${image.repository}/manifests/${image.reference}`,
      MANIFEST_ACCEPT,
      MAX_DOCUMENT_BYTES,
    );
    const body = manifest.body as {
      mediaType?: string;
      manifests?: IndexEntry[];
      config?: { digest?: string };
    };
    const mediaType = manifest.mediaType || body.mediaType || "";
    if (INDEX_TYPES.includes(mediaType) || Array.isArray(body.manifests)) {
      const entries = body.manifests ?? [];
      const attestation = (entry: IndexEntry) =>
        entry.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" ||
        (entry.platform?.os === "unknown" && entry.platform?.architecture === "unknown");
      return {
        kind: "index",
        mediaType,
        platforms: entries
          .filter((entry) => !attestation(entry))
          .map((entry) => ({
            os: entry.platform?.os ?? "",
            architecture: entry.platform?.architecture ?? "",
          })),
        attestations: entries.filter(attestation).length,
      };
    }
    if (!IMAGE_MANIFEST_TYPES.includes(mediaType) || !body.config?.digest) {
      return { kind: "image", mediaType, platforms: [], attestations: 0 };
    }
    const config = await registry.json(
      `/v2/${image.repository}/blobs/${body.config.digest}`,
      "*/*",
      MAX_DOCUMENT_BYTES,
    );
    const platform = config.body as { os?: string; architecture?: string };
    return {
      kind: "image",
      mediaType,
      platforms: [{ os: platform.os ?? "", architecture: platform.architecture ?? "" }],
      attestations: 0,
    };
  } catch (error) {
    if (error instanceof UserError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(
      `cannot read ${reference}'s manifest from ${image.host} (${reason}): fngate reads it to check the image fits the function's shape; the registry login must allow pulls.`,
    );
  }
}
