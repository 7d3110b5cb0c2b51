import type { AuthClient } from "google-auth-library";
import type { GoogleEndpoints } from "../../gcp/google-endpoints.ts";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { answerText, googleAnswer, googleJson } from "./google-call.ts";

export const ACT_AS = "deployer may act as the runtime service account";
const PERMISSION = "iam.serviceAccounts.actAs";

/**
 * Deploying a service that runs as a service account needs iam.serviceAccounts.actAs on it
 * (roles/iam.serviceAccountUser). IAM's testIamPermissions tells which of the asked permissions the
 * caller holds, and needs none itself; a refusal leaves it unknown.
 */
export async function checkActAs(
  auth: AuthClient,
  endpoints: GoogleEndpoints,
  runtimeServiceAccount: string,
  principal: string,
  project: string,
): Promise<CheckRow> {
  const fix = `gcloud iam service-accounts add-iam-policy-binding ${runtimeServiceAccount} --project ${project} --member serviceAccount:${principal} --role roles/iam.serviceAccountUser`;
  try {
    const answer = await googleJson<{ permissions?: string[] }>(
      auth,
      `${endpoints.iam}/v1/projects/-/serviceAccounts/${encodeURIComponent(runtimeServiceAccount)}:testIamPermissions`,
      { permissions: [PERMISSION] },
    );
    if (answer.permissions?.includes(PERMISSION)) {
      return ok(ACT_AS, `${principal} holds ${PERMISSION} on ${runtimeServiceAccount}`);
    }
    return missing(
      ACT_AS,
      `${principal} lacks ${PERMISSION} on ${runtimeServiceAccount}: a deploy running the service as it is refused`,
      fix,
      false,
    );
  } catch (error) {
    const answer = googleAnswer(error);
    if (answer.status === 404) {
      return missing(
        ACT_AS,
        `service account ${runtimeServiceAccount} does not exist (${answer.message})`,
        `set runtime-service-account to an existing account, or create it: gcloud iam service-accounts create NAME --project ${project}`,
        false,
      );
    }
    return cannotTell(
      ACT_AS,
      `IAM refused to tell whether ${principal} may act as ${runtimeServiceAccount} (${answerText(answer)})`,
      `if a deploy fails on iam.serviceAccounts.actAs: ${fix}`,
    );
  }
}
