// Artifact Registry API v1, the read-only calls preflight makes, served under /artifactregistry:
// - repositories.get, GET /v1/projects/*/locations/*/repositories/* answering the Repository
//   (name, format DOCKER …, createTime), 404 when there is none
//   (https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories/get);
//   it needs artifactregistry.repositories.get (roles/artifactregistry.reader and up), otherwise 403
//   "(or it may not exist)", as Google does not tell outsiders what exists.
// - repositories.testIamPermissions, POST …/repositories/*:testIamPermissions with {permissions}
//   (https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories/testIamPermissions):
//   the subset the caller holds, wildcards refused. roles/artifactregistry.writer on the project
//   (ProjectRecord.registryWriters) holds get, downloadArtifacts and uploadArtifacts
//   (https://cloud.google.com/artifact-registry/docs/access-control#roles).
// The API must be enabled in the project (SERVICE_DISABLED otherwise, like every Google API).
import type { IncomingMessage, ServerResponse } from "node:http";
import { callerMembers, callerOf, permissionsToTest } from "./bearer-auth.ts";
import { jsonBody, sendGoogleError, sendJson } from "./http-io.ts";
import { refuseDisabledService } from "./service-disabled.ts";
import type { TokenContext } from "./token-context.ts";

const REPOSITORY_PATH =
  /^\/artifactregistry\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/repositories\/([^/:]+)(:testIamPermissions)?$/;

const WRITER = [
  "artifactregistry.repositories.get",
  "artifactregistry.repositories.downloadArtifacts",
  "artifactregistry.repositories.uploadArtifacts",
];
const TESTABLE = new Set([
  ...WRITER,
  "artifactregistry.repositories.deleteArtifacts",
  "artifactregistry.repositories.update",
  "artifactregistry.repositories.delete",
  "artifactregistry.repositories.getIamPolicy",
  "artifactregistry.repositories.setIamPolicy",
]);

export async function handleArtifactRegistry(
  ctx: TokenContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const match = REPOSITORY_PATH.exec(path);
  if (!match) return false;
  const [, projectId = "", location = "", repositoryId = "", test] = match;
  const caller = await callerOf(ctx, req, res, path, test ? "POST" : "GET");
  if (!caller) return true;
  const body = test ? await jsonBody(req, res) : {};
  if (!body) return true;
  if (!test) req.resume();
  const project = ctx.state.projects.get(projectId);
  if (!project) return sendGoogleError(res, 403, `Permission denied on resource project ${projectId}.`);
  if (refuseDisabledService(res, project, "artifactregistry.googleapis.com")) return true;
  const name = `projects/${projectId}/locations/${location}/repositories/${repositoryId}`;
  const writer = callerMembers(caller).some((member) => project.registryWriters.has(member));
  if (test) {
    const permissions = permissionsToTest(res, body, TESTABLE);
    if (!permissions) return true;
    const granted = writer ? permissions.filter((p) => WRITER.includes(p)) : [];
    return sendJson(res, 200, granted.length > 0 ? { permissions: granted } : {});
  }
  if (!writer)
    return sendGoogleError(
      res,
      403,
      `Permission 'artifactregistry.repositories.get' denied on resource '${name}' (or it may not exist).`,
    );
  const repository = ctx.state.repositories.get(name);
  if (!repository) return sendGoogleError(res, 404, `Requested entity was not found.`);
  return sendJson(res, 200, {
    name,
    format: repository.format,
    mode: "STANDARD_REPOSITORY",
    createTime: repository.createTime,
  });
}
