import type { ImagePlatforms } from "../docker/image-platforms.ts";
import { isUserError } from "../errors.ts";
import type { FunctionShape } from "../oci/functions/function-shape.ts";
import { requireShapeFit } from "../oci/functions/image-fit.ts";
import type { FunctionsClients } from "../oci/oci-clients.ts";
import type { RepositoryListing } from "../oci/registry/artifacts-api.ts";
import type { StepContext } from "../step-context.ts";
import type { ImageTarget, ImageTools } from "./fn-deploy-image.ts";

// fn-deploy's two registry questions around a push: where it goes, and whether what is there fits.

/** The OCIR repository the build pushes to, created private when missing; a public one is warned about. */
export async function ensureRepository(
  name: string,
  target: ImageTarget,
  ctx: StepContext,
): Promise<{ name: string; created: boolean }> {
  const { ensureRepository } = await import("../oci/registry/artifacts-api.ts");
  const { compartmentId } = target;
  const ensured = await ensureRepository(
    target.clients.artifacts,
    { compartmentId, tenancyId: target.clients.tenancyId },
    name,
    target.listed,
  );
  ctx.logger.info(
    ensured.created
      ? `Created private OCIR repository ${name} in compartment ${compartmentId}.`
      : ensured.compartmentId === compartmentId
        ? `OCIR repository ${name} exists.`
        : `OCIR repository ${name} exists in compartment ${ensured.compartmentId} (names are unique across the tenancy): pushing to it.`,
  );
  if (ensured.isPublic) {
    ctx.logger.warning(
      `OCIR repository ${name} is public: anyone can pull the function's image without credentials. Make it private (Container Registry > ${name} > Actions > Change to private, or oci artifacts container repository update --repository-id ${ensured.id} --is-public false).`,
    );
  }
  return { name, created: ensured.created };
}

/**
 * ensureRepository's listing, asked while the image is prepared (in the pipeline, alongside preflight)
 * so the write half starts with the answer; undefined when it failed: ensureRepository then lists
 * again and explains that failure where it stops the deploy.
 */
export async function listRepositoryEarly(
  clients: Pick<FunctionsClients, "artifacts">,
  compartmentId: string,
  repository: string,
): Promise<RepositoryListing | undefined> {
  try {
    const { listRepository } = await import("../oci/registry/artifacts-api.ts");
    return await listRepository(clients.artifacts, compartmentId, repository);
  } catch {
    return undefined;
  }
}

/**
 * Reads the manifest the function will be pinned to and refuses it unless it fits the shape, before
 * CreateFunction/UpdateFunction: a BuildKit index with attestations or an image for the wrong
 * architecture would otherwise be pinned (or refused by OCI with less to go on).
 */
export async function checkImageFits(
  tools: ImageTools,
  image: string,
  digest: string,
  shape: FunctionShape,
  built: boolean,
  ctx: StepContext,
): Promise<void> {
  const reference = `${image.replace(/@.*$/, "").replace(/:[^:/]+$/, "")}@${digest}`;
  let found: ImagePlatforms;
  try {
    found = await tools.imagePlatforms(reference, {
      registerSecret: (value) => ctx.secrets.register(value),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (error) {
    // A prebuilt image pinned by digest never needed a registry login here (OCI pulls it with its own
    // identity), so an unreadable manifest is a warning; an image fngate just pushed must be readable.
    if (built || !isUserError(error)) throw error;
    ctx.logger.warning(
      `${error.message} Deploying without the check; OCI checks the image against shape ${shape} itself.`,
    );
    return;
  }
  requireShapeFit(image, found, shape, built);
  const held = found.platforms.map((platform) => `${platform.os}/${platform.architecture}`).join(", ");
  ctx.logger.info(
    `${found.kind === "index" ? "Image index" : "Image"} ${digest} holds ${held}: fits shape ${shape}.`,
  );
}
