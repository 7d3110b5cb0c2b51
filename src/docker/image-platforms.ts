import { UserError } from "../errors.ts";
import type { DockerCli } from "./docker-cli.ts";

/**
 * What a pushed image holds, as the registry serves it: one image manifest (with the platform its
 * config names), or an index of several (docker's manifest list or an OCI image index). BuildKit's
 * provenance and SBOM attestations are index entries under platform unknown/unknown
 * (https://github.com/moby/buildkit/blob/master/docs/attestations/attestation-storage.md).
 */
export interface ImagePlatforms {
  kind: "image" | "index";
  /** The image manifest's media type, or each index entry's. */
  mediaTypes: string[];
  platforms: { os: string; architecture: string }[];
  /** Index entries that are attestations, not images. */
  attestations: number;
}

export const IMAGE_MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
];

interface InspectedEntry {
  Descriptor?: { mediaType?: string; platform?: { os?: string; architecture?: string } };
}

/**
 * Reads `reference` (repository@digest) through `docker manifest inspect --verbose`: the docker CLI's
 * own registry client with the job's docker login, which fetches an image's config to report its
 * platform. A loopback registry is plain HTTP, which the CLI reaches only with --insecure; no other
 * host ever gets that flag (it would also skip TLS verification).
 */
export async function inspectPlatforms(
  docker: DockerCli,
  reference: string,
  signal?: AbortSignal,
): Promise<ImagePlatforms> {
  const insecure = isLoopbackRegistry(reference) ? ["--insecure"] : [];
  const result = await docker.run(
    ["manifest", "inspect", "--verbose", ...insecure, reference],
    signal ? { signal } : {},
  );
  if (result.code !== 0) {
    const reason =
      `${result.stderr}\n${result.stdout}`.trim().split("\n").pop()?.trim() || `exit ${result.code}`;
    throw new UserError(
      `docker manifest inspect ${reference} failed (${reason}): fngate reads the pushed manifest to check it fits the function's shape; the registry login must allow pulls.`,
    );
  }
  return parseManifestInspect(result.stdout);
}

/** `docker manifest inspect --verbose` prints one object for an image, an array for an index. */
export function parseManifestInspect(stdout: string): ImagePlatforms {
  const parsed = JSON.parse(stdout) as InspectedEntry | InspectedEntry[];
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  const described = entries.map((entry) => ({
    mediaType: entry.Descriptor?.mediaType ?? "",
    os: entry.Descriptor?.platform?.os ?? "",
    architecture: entry.Descriptor?.platform?.architecture ?? "",
  }));
  const attestation = (entry: { os: string; architecture: string }) =>
    entry.os === "unknown" && entry.architecture === "unknown";
  return {
    kind: Array.isArray(parsed) ? "index" : "image",
    mediaTypes: described.map((entry) => entry.mediaType),
    platforms: described
      .filter((entry) => !attestation(entry))
      .map(({ os, architecture }) => ({ os, architecture })),
    attestations: described.filter(attestation).length,
  };
}

/** 127.0.0.0/8, ::1 or localhost: what dockerd itself treats as an insecure (HTTP) registry. */
export function isLoopbackRegistry(reference: string): boolean {
  const host = (reference.split("/")[0] ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
