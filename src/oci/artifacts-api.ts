import { randomUUID } from "node:crypto";
import type { ArtifactsClient } from "oci-artifacts";
import { UserError } from "../errors.ts";
import { explainApiFailure, hasStatus } from "./oci-api-failure.ts";

export interface EnsuredRepository {
  id: string;
  created: boolean;
}

/**
 * Makes sure the OCIR repository exists before a push. Without it OCIR either refuses the push or,
 * with "create repository on first push", creates a *public*-by-policy repository in the root
 * compartment; creating it here keeps it private and in the chosen compartment.
 */
export async function ensureRepository(
  artifacts: ArtifactsClient,
  compartmentId: string,
  displayName: string,
): Promise<EnsuredRepository> {
  const existing = await findRepository(artifacts, compartmentId, displayName);
  if (existing) return { id: existing, created: false };
  try {
    const { containerRepository } = await artifacts.createContainerRepository({
      createContainerRepositoryDetails: { compartmentId, displayName, isPublic: false },
      // Makes the SDK's retries of this create idempotent.
      opcRetryToken: randomUUID(),
    });
    return { id: containerRepository.id, created: true };
  } catch (error) {
    // Names are unique per tenancy: the repository exists, but in another compartment.
    if (hasStatus(error, 409)) {
      const elsewhere = await findRepository(artifacts, compartmentId, displayName, true);
      if (elsewhere) return { id: elsewhere, created: false };
      throw new UserError(
        `OCIR repository ${displayName} already exists in another compartment (names are unique per tenancy): set compartment-ocid to that compartment, or choose another repository.`,
      );
    }
    throw explainApiFailure(
      error,
      `creating OCIR repository ${displayName} in compartment ${compartmentId}`,
      "compartment-ocid is wrong, or the user's group lacks 'manage repos' there.",
    );
  }
}

async function findRepository(
  artifacts: ArtifactsClient,
  compartmentId: string,
  displayName: string,
  inSubtree = false,
): Promise<string | undefined> {
  let page: string | undefined;
  try {
    do {
      const response = await artifacts.listContainerRepositories({
        compartmentId,
        displayName,
        ...(inSubtree ? { compartmentIdInSubtree: true } : {}),
        ...(page ? { page } : {}),
      });
      const match = response.containerRepositoryCollection.items.find(
        (repository) => repository.displayName === displayName,
      );
      if (match) return match.id;
      page = response.opcNextPage || undefined;
    } while (page);
  } catch (error) {
    if (inSubtree) return undefined;
    throw explainApiFailure(
      error,
      `listing OCIR repositories in compartment ${compartmentId}`,
      "compartment-ocid is wrong, or the user's group lacks 'read repos' there.",
    );
  }
  return undefined;
}
