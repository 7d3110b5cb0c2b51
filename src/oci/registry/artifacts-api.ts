import { randomUUID } from "node:crypto";
import type { ArtifactsClient } from "oci-artifacts";
import { UserError } from "../../errors.ts";
import { explainApiFailure, hasStatus } from "../oci-api-failure.ts";
import { pagedItems } from "../paged-items.ts";

export interface EnsuredRepository {
  id: string;
  created: boolean;
  /** Where the repository is: the chosen compartment, or wherever it already existed. */
  compartmentId: string;
  /** Anyone can pull a public repository's images without credentials. */
  isPublic: boolean;
}

export interface RepositoryPlace {
  /** Where a new repository is created. */
  compartmentId: string;
  /** The tenancy (root compartment) OCID: repository names are unique across all of its compartments. */
  tenancyId: string;
}

/**
 * Makes sure the OCIR repository exists before a push, wherever it is in the tenancy. Without it OCIR
 * either refuses the push or, with "create repository on first push", creates one in the root
 * compartment; creating it here keeps it private and in the chosen compartment. A name is unique across
 * all compartments of the tenancy ("The name you give the repository must be unique across all
 * compartments in the entire tenancy",
 * https://docs.oracle.com/iaas/releasenotes/changes/a607826b-2b68-4a16-9b87-bd4bf8a66a36/), so when the
 * create answers 409 the repository is searched in the whole tenancy: ListContainerRepositories on the
 * tenancy with compartmentIdInSubtree, which "can only be set to true when calling the API on the
 * tenancy (root compartment)" (oci-artifacts ListContainerRepositoriesRequest). `fn deploy` puts its
 * repositories in the root compartment, so this is where a repository made by hand usually is.
 */
export async function ensureRepository(
  artifacts: ArtifactsClient,
  place: RepositoryPlace,
  displayName: string,
  listed?: RepositoryListing,
): Promise<EnsuredRepository> {
  const { compartmentId, tenancyId } = place;
  const existing = listed ? listed.found : await findRepository(artifacts, compartmentId, displayName, false);
  if (existing) return { ...existing, created: false };
  try {
    const { containerRepository } = await artifacts.createContainerRepository({
      createContainerRepositoryDetails: { compartmentId, displayName, isPublic: false },
      // Makes the SDK's retries of this create idempotent.
      opcRetryToken: randomUUID(),
    });
    return {
      id: containerRepository.id,
      created: true,
      compartmentId: containerRepository.compartmentId,
      isPublic: containerRepository.isPublic,
    };
  } catch (error) {
    if (!hasStatus(error, 409)) {
      throw explainApiFailure(
        error,
        `creating OCIR repository ${displayName} in compartment ${compartmentId}`,
        "compartment-ocid is wrong, or the user's group lacks 'manage repos' there.",
      );
    }
  }
  const elsewhere = await findRepository(artifacts, tenancyId, displayName, true);
  if (elsewhere) return { ...elsewhere, created: false };
  throw new UserError(
    `OCIR repository ${displayName} could not be created in compartment ${compartmentId} (409: the name is taken in the tenancy, or the user may not create repositories there), and the user cannot see it in any compartment: allow the user's group 'read repos in tenancy' so fngate can find it, or 'manage repos' in compartment-ocid, or set repository to another name.`,
  );
}

/** What listing the chosen compartment found for a name: the repository, or nothing (create it). */
export interface RepositoryListing {
  found: Omit<EnsuredRepository, "created"> | undefined;
}

/**
 * ensureRepository's read-only first half, asked early (fn-deploy lists while its image is prepared,
 * alongside preflight) so the write half starts with the answer. A listing that failed is not an
 * answer: ensureRepository then lists again and explains the failure where it matters.
 */
export async function listRepository(
  artifacts: ArtifactsClient,
  compartmentId: string,
  displayName: string,
): Promise<RepositoryListing> {
  return { found: await findRepository(artifacts, compartmentId, displayName, false) };
}

async function findRepository(
  artifacts: ArtifactsClient,
  compartmentId: string,
  displayName: string,
  inSubtree: boolean,
): Promise<Omit<EnsuredRepository, "created"> | undefined> {
  const listed = pagedItems(
    { compartmentId, displayName, ...(inSubtree ? { compartmentIdInSubtree: true } : {}) },
    artifacts.listContainerRepositories.bind(artifacts),
    (response) => response.containerRepositoryCollection.items,
  );
  try {
    for await (const match of listed) {
      if (match.displayName !== displayName) continue;
      return { id: match.id, compartmentId: match.compartmentId, isPublic: match.isPublic };
    }
  } catch (error) {
    throw explainApiFailure(
      error,
      inSubtree
        ? `searching the tenancy's compartments for OCIR repository ${displayName} (it exists somewhere: creating it answered 409)`
        : `listing OCIR repositories in compartment ${compartmentId}`,
      inSubtree
        ? "the user's group lacks 'read repos in tenancy'; grant it, or set compartment-ocid to the repository's compartment."
        : "compartment-ocid is wrong, or the user's group lacks 'read repos' there.",
    );
  }
  return undefined;
}
