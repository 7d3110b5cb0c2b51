// OCI Functions runs every function of an application on the application's shape, and the function's
// image must fit it: "The image architecture must be compatible with the application's shape"
// (https://docs.oracle.com/en-us/iaas/Content/Functions/Tasks/functionscreatingfunction-task.htm).
// For a single-architecture shape (GENERIC_X86, GENERIC_ARM) the image is a single-architecture image
// for it or a multi-architecture image that holds it; for GENERIC_X86_ARM it is a multi-architecture
// image with both
// (https://docs.oracle.com/en-us/iaas/Content/Functions/Tasks/functionsspecifyingcomputearchitectures.htm);
// Function.shape is "extracted from the image manifest" (oci-functions model). The emulator reads the
// pinned manifest from its real registry (and an image's config for its architecture) and refuses a
// create or update whose image does not fit. Oracle documents the rule, not the error text: the
// emulator answers 400 InvalidParameter, the code OCI gives for a CreateFunction/UpdateFunction body
// it refuses (as "image is required.", quoted in oracle/terraform-provider-oci issue 1928).
// Index entries under platform unknown/unknown (BuildKit attestations) are not images and count for
// no architecture.
import { parseImageReference } from "../registry/image-reference.ts";
import type { RegistryClient } from "../registry/registry-client.ts";
import { invalidParameter } from "./errors.ts";

const INDEX_TYPES = [
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
];
const IMAGE_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
];
const ARCHITECTURES: Record<string, string[]> = {
  GENERIC_X86: ["amd64"],
  GENERIC_ARM: ["arm64"],
  GENERIC_X86_ARM: ["amd64", "arm64"],
};

interface ManifestJson {
  mediaType?: string;
  config?: { digest?: string };
  manifests?: { platform?: { os?: string; architecture?: string } }[];
}

/** Throws 400 InvalidParameter when the manifest `digest` of `image` does not fit `shape`. */
export async function requireImageFitsShape(
  registry: RegistryClient | undefined,
  image: string,
  digest: string | undefined,
  shape: string,
): Promise<void> {
  if (!registry) return;
  const reference = parseImageReference(image);
  const stored = await registry
    .manifest(reference.repository, digest ?? reference.tag ?? "latest")
    .catch((error: unknown) => {
      console.error(`oci emulator: cannot read ${image}'s manifest from the registry:`, error);
      return undefined;
    });
  // A missing image is the invoke's problem (FunctionInvokeImageNotAvailable), as on OCI.
  if (!stored) return;
  const manifest = JSON.parse(stored.body.toString("utf8")) as ManifestJson;
  const mediaType = stored.mediaType || manifest.mediaType || "";
  const needed = ARCHITECTURES[shape] ?? ["amd64"];
  let held: string[];
  let multiArch: boolean;
  if (INDEX_TYPES.includes(mediaType)) {
    multiArch = true;
    held = (manifest.manifests ?? [])
      .filter((entry) => entry.platform?.os === "linux")
      .map((entry) => entry.platform?.architecture ?? "");
  } else if (IMAGE_TYPES.includes(mediaType)) {
    multiArch = false;
    const config = manifest.config?.digest
      ? await registry.blob(reference.repository, manifest.config.digest)
      : undefined;
    const parsed = config
      ? (JSON.parse(config.toString("utf8")) as { os?: string; architecture?: string })
      : {};
    held = parsed.os === "linux" && parsed.architecture ? [parsed.architecture] : [];
  } else {
    throw invalidParameter(`Image ${image} has an unsupported manifest media type ${mediaType || "(none)"}.`);
  }
  const missing = needed.filter((architecture) => !held.includes(architecture));
  if (missing.length > 0 || (shape === "GENERIC_X86_ARM" && !multiArch)) {
    throw invalidParameter(
      `Image ${image} (${held.length > 0 ? held.map((a) => `linux/${a}`).join(", ") : "no linux image"}) is not compatible with the application shape ${shape}, which needs ${needed.map((a) => `linux/${a}`).join(" and ")}${shape === "GENERIC_X86_ARM" ? " in a multi-architecture image" : ""}.`,
    );
  }
}
