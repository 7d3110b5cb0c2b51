import type { AuthClient } from "google-auth-library";
import type { GoogleEndpoints } from "../../gcp/google-endpoints.ts";
import { CODE, codeOf, googleMessage } from "../../gcp/run-api-failure.ts";
import { runServicesClient } from "../../gcp/run-client.ts";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";

export const PROJECT_REGION = "Google project and region";
export const RUN_API = "Cloud Run Admin API enabled";

/**
 * One services.list (a page of one) in the region answers three questions at once: Google checks the
 * project exists, then that the Cloud Run Admin API is enabled in it (403 SERVICE_DISABLED when not,
 * https://docs.cloud.google.com/service-usage/docs/troubleshooting), then the location.
 */
export async function checkRunApi(
  auth: AuthClient,
  endpoints: GoogleEndpoints,
  project: string,
  region: string,
  principal: string,
): Promise<CheckRow[]> {
  const client = runServicesClient(auth, endpoints);
  try {
    await client.listServices(
      { parent: `projects/${project}/locations/${region}`, pageSize: 1 },
      { autoPaginate: false, retry: null },
    );
    return [
      ok(PROJECT_REGION, `${whereOf({ project, region })}: Cloud Run answers there`),
      apiAnswers(project),
    ];
  } catch (error) {
    return refusedListing(error, { project, region, principal });
  } finally {
    await client.close();
  }
}

interface Place {
  project: string;
  region: string;
  principal: string;
}

function whereOf(place: { project: string; region: string }): string {
  return `project ${place.project}, region ${place.region}`;
}

function apiAnswers(project: string): CheckRow {
  return ok(RUN_API, `run.googleapis.com answers in project ${project}`);
}

/** What the listing's refusal says about the project, the region and the API. */
function refusedListing(error: unknown, place: Place): CheckRow[] {
  const { project, region } = place;
  const detail = googleMessage(error);
  if ((error as { reason?: unknown }).reason === "SERVICE_DISABLED") {
    return [
      ok(PROJECT_REGION, `project ${project} exists (its region is checked once the API is enabled)`),
      missing(
        RUN_API,
        `project ${project} has not enabled run.googleapis.com (SERVICE_DISABLED)`,
        `gcloud services enable run.googleapis.com --project ${project}`,
        true,
      ),
    ];
  }
  const code = codeOf(error);
  if ((code === CODE.NOT_FOUND || code === CODE.INVALID_ARGUMENT) && /location|region/i.test(detail)) {
    return [
      missing(
        PROJECT_REGION,
        `Cloud Run does not serve region ${region} (${detail})`,
        "set region to a Cloud Run region: gcloud run regions list",
        true,
      ),
      apiAnswers(project),
    ];
  }
  const unchecked = cannotTell(RUN_API, `not checked: ${whereOf(place)} did not answer (see above)`);
  return [projectRow(code, detail, place), unchecked];
}

/** The project row when Google did not get as far as the API or the region. */
function projectRow(code: number | undefined, detail: string, place: Place): CheckRow {
  const { project, principal } = place;
  if (code === CODE.NOT_FOUND) {
    return missing(
      PROJECT_REGION,
      `project ${project} was not found (${detail})`,
      "set project to the project ID (not its name or number): gcloud projects list",
      true,
    );
  }
  if (code === CODE.PERMISSION_DENIED) {
    return cannotTell(
      PROJECT_REGION,
      `${principal} may not list Cloud Run services in ${whereOf(place)} (${detail}); the project may not exist`,
      `grant it roles/run.admin: gcloud projects add-iam-policy-binding ${project} --member serviceAccount:${principal} --role roles/run.admin`,
    );
  }
  return cannotTell(
    PROJECT_REGION,
    `Cloud Run gave no answer for ${whereOf(place)} (${detail})`,
    "check FNGATE_GCP_ENDPOINT and any proxy",
  );
}
