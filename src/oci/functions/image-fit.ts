import { IMAGE_MANIFEST_TYPES, type ImagePlatforms } from "../../docker/image-platforms.ts";
import { UserError } from "../../errors.ts";
import { architecturesOf, type FunctionShape } from "./function-shape.ts";

/**
 * Whether the image fngate is about to pin fits the application's shape (see function-shape.ts for
 * Oracle's rule): the shape's architecture(s) as linux images, an index only when it lists images
 * (BuildKit's attestation entries are refused: they are what `docker build` with buildx pushes by
 * default, the digest then names an index instead of the image fngate built, and a serverless
 * runtime that reads the manifest for its architecture sees platform unknown/unknown).
 * Returns the one line to show, or undefined when the image fits.
 */
export function shapeMismatch(
  image: string,
  found: ImagePlatforms,
  shape: FunctionShape,
  built: boolean,
): string | undefined {
  if (found.attestations > 0) {
    return `image ${image} is an image index with ${found.attestations} BuildKit attestation manifest(s) (platform unknown/unknown) besides the image: OCI Functions pins one image per architecture. ${built ? "docker build added them although fngate passed --provenance=false --sbom=false; build and push the image in an earlier step and set image" : "Rebuild with --provenance=false --sbom=false (docker/build-push-action: provenance: false, sbom: false)"}.`;
  }
  if (found.kind === "image" && !IMAGE_MANIFEST_TYPES.includes(found.mediaType)) {
    return `image ${image} has a ${found.mediaType || "typeless"} manifest, which OCI Functions does not run: push it as a Docker schema 2 or OCI image manifest (any current docker push does).`;
  }
  const held = found.platforms.map((platform) => `${platform.os}/${platform.architecture}`);
  const needed = architecturesOf(shape).map((architecture) => `linux/${architecture}`);
  const missing = needed.filter((platform) => !held.includes(platform));
  if (shape === "GENERIC_X86_ARM" && found.kind === "image") {
    return `image ${image} is a single ${held[0] ?? "unknown"} image, but shape GENERIC_X86_ARM runs functions on either architecture and needs a multi-arch image index with linux/amd64 and linux/arm64: build it with docker buildx build --platform linux/amd64,linux/arm64 --provenance=false --sbom=false --push and set image.`;
  }
  if (missing.length === 0) return undefined;
  const holds = held.length === 0 ? "no linux image" : held.join(" and ");
  return `image ${image} holds ${holds}, but shape ${shape} runs ${needed.join(" and ")}: ${
    shape === "GENERIC_X86_ARM"
      ? "push an index with both (docker buildx build --platform linux/amd64,linux/arm64 --provenance=false --sbom=false --push)"
      : built
        ? `fngate built it for ${needed[0]}, yet the registry holds this; build and push it in an earlier step (docker build --platform ${needed[0]}) and set image`
        : `rebuild and push it for ${needed[0]} (docker build --platform ${needed[0]}), or deploy to an application whose shape runs ${held[0] ?? "its platform"}`
  }.`;
}

/** Throws the mismatch as the user's error; nothing is created or updated when it does. */
export function requireShapeFit(
  image: string,
  found: ImagePlatforms,
  shape: FunctionShape,
  built: boolean,
): void {
  const mismatch = shapeMismatch(image, found, shape, built);
  if (mismatch) throw new UserError(mismatch);
}
