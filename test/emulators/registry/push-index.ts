// Pushes a multi-platform image through the Registry HTTP API v2, as `docker buildx build --push`
// does: one image manifest per platform (each with its own config and layer), optionally BuildKit's
// attestation manifests (provenance, stored as in-toto layers under platform unknown/unknown, see
// https://github.com/moby/buildkit/blob/master/docs/attestations/attestation-storage.md), then the
// image index that lists them under the tag. What fn-deploy must refuse or accept is then a real
// registry answer, not a string in a test.
import { pushImageManifest, pushManifest, putManifest } from "./push-image.ts";
import { RegistryClient, type RegistryCredentials } from "./registry-client.ts";

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

export interface PushIndexOptions {
  registry: RegistryCredentials;
  repository: string;
  tag: string;
  /** One image per architecture, e.g. ["amd64", "arm64"]. */
  architectures: string[];
  /** Add BuildKit's provenance attestation manifest for each image (buildx's default since v0.10). */
  attestations?: boolean;
}

export async function pushIndex(options: PushIndexOptions): Promise<{ digest: string }> {
  const client = new RegistryClient(options.registry);
  const entries: Record<string, unknown>[] = [];
  for (const architecture of options.architectures) {
    const image = await pushImageManifest(client, options.repository, undefined, {
      architecture,
      files: { "function/ARCH": `${architecture}\n` },
    });
    entries.push({ ...image, platform: { architecture, os: "linux" } });
    if (options.attestations) {
      const attestation = await pushAttestation(client, options.repository, image.digest);
      entries.push({
        ...attestation,
        annotations: {
          "vnd.docker.reference.digest": image.digest,
          "vnd.docker.reference.type": "attestation-manifest",
        },
        platform: { architecture: "unknown", os: "unknown" },
      });
    }
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }));
  const pushed = await putManifest(client, options.repository, options.tag, OCI_INDEX, index);
  return { digest: pushed.digest };
}

async function pushAttestation(client: RegistryClient, repository: string, subject: string) {
  const statement = {
    _type: "https://in-toto.io/Statement/v0.1",
    predicateType: "https://slsa.dev/provenance/v0.2",
    subject: [{ name: "_", digest: { sha256: subject.slice("sha256:".length) } }],
    predicate: { buildType: "https://mobyproject.org/buildkit@v1" },
  };
  return pushManifest(client, repository, undefined, {
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      content: { architecture: "unknown", os: "unknown", rootfs: {} },
    },
    layer: {
      mediaType: "application/vnd.in-toto+json",
      content: Buffer.from(JSON.stringify(statement)),
      annotations: { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2" },
    },
  });
}
