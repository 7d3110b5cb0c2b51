import type { AuthClient } from "google-auth-library";
import type { GoogleEndpoints } from "../../gcp/google-endpoints.ts";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { answerText, googleAnswer, googleJson } from "./google-call.ts";

export const REGISTRY_REPOSITORY = "Artifact Registry repository";
export const REGISTRY_PUSH = "deployer may push to the repository";
const UPLOAD = "artifactregistry.repositories.uploadArtifacts";

/** Where an Artifact Registry image lives: LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE[:TAG|@DIGEST]. */
export interface RegistryRepository {
  location: string;
  project: string;
  repository: string;
}

// https://docs.cloud.google.com/artifact-registry/docs/docker/names: the repository is the first path
// segment after the project; the image path may have more segments. (Domain-scoped projects write the
// project as DOMAIN/PROJECT and are not recognised here.)
const AR_IMAGE =
  /^([a-z0-9]+(?:-[a-z0-9]+)*)-docker\.pkg\.dev\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/([a-z0-9][a-z0-9._-]*)\/[^/]/;

export function registryRepositoryOf(image: string): RegistryRepository | undefined {
  const match = AR_IMAGE.exec(image);
  if (!match) return undefined;
  const [, location = "", project = "", repository = ""] = match;
  return { location, project, repository };
}

/**
 * The repository must exist (cloud-run-deploy does not create it), hold Docker images, and the deployer
 * should be able to push to it when it builds from path. The push is judged by testIamPermissions.
 */
export async function checkRegistry(
  auth: AuthClient,
  endpoints: GoogleEndpoints,
  where: RegistryRepository,
  principal: string,
): Promise<CheckRow[]> {
  const { location, project, repository } = where;
  const name = `projects/${project}/locations/${location}/repositories/${repository}`;
  const url = `${endpoints.artifactRegistry}/v1/${name}`;
  const label = `${location}-docker.pkg.dev/${project}/${repository}`;
  const create = `gcloud artifacts repositories create ${repository} --repository-format docker --location ${location} --project ${project}`;
  let repositoryRow: CheckRow;
  try {
    const found = await googleJson<{ format?: string }>(auth, url);
    if (found.format !== undefined && found.format !== "DOCKER") {
      return [
        missing(
          REGISTRY_REPOSITORY,
          `${label} holds ${found.format} artifacts, not Docker images`,
          `push the image to a Docker repository: ${create.replace(` ${repository} `, " NAME ")}`,
          true,
        ),
      ];
    }
    repositoryRow = ok(REGISTRY_REPOSITORY, `${label} (Docker)`);
  } catch (error) {
    const answer = googleAnswer(error);
    if (answer.reason === "SERVICE_DISABLED") {
      return [
        missing(
          REGISTRY_REPOSITORY,
          `project ${project} has not enabled artifactregistry.googleapis.com (SERVICE_DISABLED)`,
          `gcloud services enable artifactregistry.googleapis.com --project ${project}`,
          true,
        ),
      ];
    }
    if (answer.status === 404) {
      return [missing(REGISTRY_REPOSITORY, `${label} does not exist`, create, true)];
    }
    repositoryRow = cannotTell(
      REGISTRY_REPOSITORY,
      `${principal} may not read ${label} (${answerText(answer)}); it may not exist`,
      `to let preflight see it: gcloud artifacts repositories add-iam-policy-binding ${repository} --location ${location} --project ${project} --member serviceAccount:${principal} --role roles/artifactregistry.reader; if it does not exist: ${create}`,
    );
  }
  return [repositoryRow, await checkPush(auth, url, label, where, principal)];
}

async function checkPush(
  auth: AuthClient,
  url: string,
  label: string,
  { location, project, repository }: RegistryRepository,
  principal: string,
): Promise<CheckRow> {
  const fix = `gcloud artifacts repositories add-iam-policy-binding ${repository} --location ${location} --project ${project} --member serviceAccount:${principal} --role roles/artifactregistry.writer`;
  try {
    const answer = await googleJson<{ permissions?: string[] }>(auth, `${url}:testIamPermissions`, {
      permissions: [UPLOAD],
    });
    if (answer.permissions?.includes(UPLOAD)) return ok(REGISTRY_PUSH, `${principal} may push to ${label}`);
    return missing(
      REGISTRY_PUSH,
      `${principal} lacks ${UPLOAD} on ${label}: building from path would fail to push (a pushed image needs none)`,
      fix,
      false,
    );
  } catch (error) {
    return cannotTell(
      REGISTRY_PUSH,
      `Artifact Registry refused to tell whether ${principal} may push to ${label} (${answerText(googleAnswer(error))})`,
      `if a push is refused: ${fix}`,
    );
  }
}
