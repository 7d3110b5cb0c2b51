import type { FunctionsManagementClient, models } from "oci-functions";
import { UserError } from "../../errors.ts";
import { nearMatches } from "../near-matches.ts";
import { explainApiFailure, POLICY_HINT } from "../oci-api-failure.ts";
import { parseOcid } from "../ocid.ts";

export interface ApplicationRef {
  id: string;
  displayName: string;
  compartmentId: string;
  /** GENERIC_X86, GENERIC_ARM or GENERIC_X86_ARM; absent when OCI sent none (its default is GENERIC_X86). */
  shape?: string;
}

/**
 * The Functions application named by the `application` input: an OCID is read directly; a name is
 * matched exactly among every application of the compartment (all pages), and a miss lists the
 * closest names so a typo is obvious.
 */
export async function findApplication(
  management: FunctionsManagementClient,
  application: string,
  compartmentId: string | undefined,
): Promise<ApplicationRef> {
  if (parseOcid(application)) {
    try {
      const { application: found } = await management.getApplication({ applicationId: application });
      return refOf(found);
    } catch (error) {
      throw explainApiFailure(error, `application ${application}`, POLICY_HINT);
    }
  }
  if (!compartmentId) {
    throw new UserError(
      `compartment-ocid is required when application is a name (${JSON.stringify(application)}); set it, or give the application's OCID.`,
    );
  }
  const names: string[] = [];
  for await (const summary of liveApplications(management, compartmentId)) {
    if (summary.displayName === application) return refOf(summary);
    if (summary.displayName) names.push(summary.displayName);
  }
  if (names.length === 0) {
    throw new UserError(
      `application ${JSON.stringify(application)} not found: compartment ${compartmentId} has no Functions application. Create one (it needs a subnet), or fix compartment-ocid.`,
    );
  }
  const near = nearMatches(application, names);
  throw new UserError(
    `application ${JSON.stringify(application)} not found in compartment ${compartmentId}; closest names there: ${near.join(", ")}. Names are matched exactly.`,
  );
}

/** The applications of a compartment that are not (being) deleted, every page; a failed listing explained. */
export async function* liveApplications(
  management: FunctionsManagementClient,
  compartmentId: string,
): AsyncGenerator<models.ApplicationSummary> {
  try {
    for await (const summary of management.listApplicationsRecordIterator({ compartmentId })) {
      if (summary.lifecycleState !== "DELETED" && summary.lifecycleState !== "DELETING") yield summary;
    }
  } catch (error) {
    throw explainApiFailure(
      error,
      `listing applications in compartment ${compartmentId}`,
      "compartment-ocid is wrong, or the user's group may not read functions-family there.",
    );
  }
}

/** The SDK types every model field as optional; OCI always sends the first three. */
function refOf(model: {
  id?: string;
  displayName?: string;
  compartmentId?: string;
  shape?: string;
}): ApplicationRef {
  return {
    id: model.id ?? "",
    displayName: model.displayName ?? "",
    compartmentId: model.compartmentId ?? "",
    ...(model.shape ? { shape: model.shape } : {}),
  };
}
