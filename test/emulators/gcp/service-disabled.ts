// The answer every Google API gives a project that has not enabled it: 403 PERMISSION_DENIED whose
// details carry a google.rpc.ErrorInfo with reason SERVICE_DISABLED, domain googleapis.com and the
// service and consumer in its metadata (google.api.ErrorReason, e.g.
// https://cloud.google.com/java/docs/reference/proto-google-common-protos/latest/com.google.api.ErrorReason;
// the fix is enabling the service, https://docs.cloud.google.com/service-usage/docs/troubleshooting).
// The message and activation URL are the ones Google's APIs send.
import type { ServerResponse } from "node:http";
import { sendJson } from "./http-io.ts";
import type { ProjectRecord } from "./state.ts";

const TITLES: Record<string, string> = {
  "run.googleapis.com": "Cloud Run Admin API",
  "artifactregistry.googleapis.com": "Artifact Registry API",
};

/** Answers and returns true when `service` is disabled in the project. */
export function refuseDisabledService(res: ServerResponse, project: ProjectRecord, service: string): boolean {
  if (!project.disabledServices.has(service)) return false;
  const title = TITLES[service] ?? service;
  const activationUrl = `https://console.developers.google.com/apis/api/${service}/overview?project=${project.number}`;
  return sendJson(res, 403, {
    error: {
      code: 403,
      message: `${title} has not been used in project ${project.number} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
      status: "PERMISSION_DENIED",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "SERVICE_DISABLED",
          domain: "googleapis.com",
          metadata: {
            consumer: `projects/${project.number}`,
            service,
            serviceTitle: title,
            containerInfo: project.number,
            activationUrl,
          },
        },
        {
          "@type": "type.googleapis.com/google.rpc.Help",
          links: [{ description: "Google developers console API activation", url: activationUrl }],
        },
      ],
    },
  });
}
