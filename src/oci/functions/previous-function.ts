import { pinnedReference } from "../registry/image-reference.ts";
import type { FunctionSettings } from "./function-changes.ts";

/**
 * A function as it was before a deploy changed it: what a rollback restores (every managed setting),
 * and the image it ran pinned by digest, as a user would deploy it again by hand.
 */
export interface PreviousFunctionImage {
  /** <host>/<path>@sha256:… */
  image: string;
  settings: Partial<FunctionSettings>;
}

/** From the settings GetFunction showed before the update; nothing when the function had no image. */
export function previousFunctionImage(
  settings: Partial<FunctionSettings> | undefined,
): PreviousFunctionImage | undefined {
  const { image, imageDigest } = settings ?? {};
  if (!settings || !image || !imageDigest) return undefined;
  return { image: pinnedReference(image, imageDigest), settings };
}
