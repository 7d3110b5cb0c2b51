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
  const where = `project ${project}, region ${region}`;
  try {
    await client.listServices(
      { parent: `projects/${project}/locations/${region}`, pageSize: 1 },
      { autoPaginate: false, retry: null },
    );
    return [
      ok(PROJECT_REGION, `${where}: Cloud Run answers there`),
      ok(RUN_API, `run.googleapis.com answers in project ${project}`),
    ];
  } catch (error) {
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
    const unchecked = cannotTell(RUN_API, `not checked: ${where} did not answer (see above)`);
    if ((code === CODE.NOT_FOUND || code === CODE.INVALID_ARGUMENT) && /location|region/i.test(detail)) {
      return [
        missing(
          PROJECT_REGION,
          `Cloud Run does not serve region ${region} (${detail})`,
          "set region to a Cloud Run region: gcloud run regions list",
          true,
        ),
        ok(RUN_API, `run.googleapis.com answers in project ${project}`),
      ];
    }
    if (code === CODE.NOT_FOUND) {
      return [
        missing(
          PROJECT_REGION,
          `project ${project} was not found (${detail})`,
          "set project to the project ID (not its name or number): gcloud projects list",
          true,
        ),
        unchecked,
      ];
    }
    if (code === CODE.PERMISSION_DENIED) {
      return [
        cannotTell(
          PROJECT_REGION,
          `${principal} may not list Cloud Run services in ${where} (${detail}); the project may not exist`,
          `grant it roles/run.admin: gcloud projects add-iam-policy-binding ${project} --member serviceAccount:${principal} --role roles/run.admin`,
        ),
        unchecked,
      ];
    }
    return [
      cannotTell(
        PROJECT_REGION,
        `Cloud Run gave no answer for ${where} (${detail})`,
        "check FNGATE_GCP_ENDPOINT and any proxy",
      ),
      unchecked,
    ];
  } finally {
    await client.close();
  }
}
