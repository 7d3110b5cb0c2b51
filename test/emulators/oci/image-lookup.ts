// Function images as OCI Functions sees them: whatever host an image names (phx.ocir.io, the
// ocir.<region>.oci.oraclecloud.com form, a loopback registry), the emulator asks its one real
// registry for the repository path and tag or digest. OCI pins the digest when a function is
// created or updated and pulls that digest on invoke, so a re-pushed tag does not change a
// deployed function until it is updated.
import { manifestReference, parseImageReference } from "../registry/image-reference.ts";
import type { RegistryClient } from "../registry/registry-client.ts";

/** The digest `image` currently has in the registry; undefined when absent or unknown. */
export async function currentDigest(
  registry: RegistryClient | undefined,
  image: string,
): Promise<string | undefined> {
  if (!registry) return undefined;
  try {
    const reference = parseImageReference(image);
    return await registry.manifestDigest(reference.repository, manifestReference(reference));
  } catch (error) {
    console.error(`oci emulator: cannot look up ${image} in the registry:`, error);
    return undefined;
  }
}

/** Whether an invoke could pull the image: the pinned digest if any, else the tag. */
export async function canPull(
  registry: RegistryClient | undefined,
  image: string,
  pinnedDigest: string | undefined,
): Promise<boolean> {
  if (!registry) return false;
  try {
    const reference = parseImageReference(image);
    const wanted = pinnedDigest ?? manifestReference(reference);
    return (await registry.manifestDigest(reference.repository, wanted)) !== undefined;
  } catch {
    return false;
  }
}

/** The registry repository path of an image, used to choose the code a function runs. */
export function repositoryOf(image: string): string {
  return parseImageReference(image).repository;
}
