import type { ArtifactsClient } from "oci-artifacts";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { callFailure } from "./call-failure.ts";

export const REPOSITORY = "OCIR repository";

/**
 * The repository the image is pushed to, looked for anywhere in the tenancy (names are unique per
 * tenancy, and `fn deploy` creates them in the root compartment). Missing is fine, an info line —
 * fn-deploy creates it, private — and public is a warning: anyone could pull the function's image.
 */
export async function checkRepository(
  artifacts: ArtifactsClient,
  tenancyId: string,
  repository: string,
  compartmentId: string | undefined,
): Promise<CheckRow> {
  const create = `fn-deploy creates it (private) in ${compartmentId ?? "the application's compartment"}; or: oci artifacts container repository create --compartment-id ${compartmentId ?? "<compartment OCID>"} --display-name ${repository} --is-public false`;
  try {
    let page: string | undefined;
    do {
      const response = await artifacts.listContainerRepositories({
        compartmentId: tenancyId,
        compartmentIdInSubtree: true,
        displayName: repository,
        ...(page ? { page } : {}),
      });
      const found = response.containerRepositoryCollection.items.find(
        (item) => item.displayName === repository,
      );
      if (found) {
        const where =
          found.compartmentId === tenancyId ? "the root compartment" : `compartment ${found.compartmentId}`;
        if (found.isPublic) {
          return missing(
            REPOSITORY,
            `${repository} is public in ${where}: anyone may pull the function's image`,
            `make it private: oci artifacts container repository update --repository-id ${found.id} --is-public false`,
            false,
          );
        }
        return ok(REPOSITORY, `${repository} (private) in ${where}`);
      }
      page = response.opcNextPage || undefined;
    } while (page);
    // Expected on a first deploy, not a warning: fn-deploy creates it.
    return ok(
      REPOSITORY,
      `${repository} does not exist yet: fn-deploy will create it (private) in ${compartmentId ?? "the application's compartment"}`,
    );
  } catch (error) {
    return cannotTell(
      REPOSITORY,
      `listing the tenancy's repositories answered ${callFailure(error)}; the user may not read repos in the tenancy`,
      `to let preflight see it: Allow group <your group> to read repos in tenancy; otherwise ${create}`,
    );
  }
}
