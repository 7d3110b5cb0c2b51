// How the Cloud Run Admin emulator answers with a service: as a long-running operation, and with enums as
// numbers when the client asked for enum-encoding=int (as @google-cloud/run does).

import type { ServerResponse } from "node:http";
import type { Json } from "../json.ts";
import { sendGoogleError } from "./http-io.ts";
import { enumName, enumNumber } from "./proto-shape.ts";

const ALLOCATION = "google.cloud.run.v2.TrafficTargetAllocationType";

export function serviceNotFound(
  res: ServerResponse,
  target: { id: string; region: string; project: string },
): true {
  const { id, region, project } = target;
  const message = `Resource '${id}' of kind 'SERVICE' in region '${region}' in project '${project}' does not exist.`;
  return sendGoogleError(res, 404, message);
}

/** A write whose etag is not the service's: 409 ABORTED, nothing changed. */
export function staleEtag(res: ServerResponse): true {
  return sendGoogleError(
    res,
    409,
    "The service was modified concurrently: read it again and retry.",
    "ABORTED",
  );
}

export function operationJson(name: string, service: Json, done: boolean): Json {
  const typed = { "@type": "type.googleapis.com/google.cloud.run.v2.Service", ...service };
  return { name, metadata: typed, done, ...(done ? { response: typed } : {}) };
}

/** The service as sent: enums as numbers when the client asked for enum-encoding=int. */
export function render(body: Json, numbers: boolean): Json {
  if (!numbers) return body;
  const condition = body.terminalCondition as Json | undefined;
  const traffic = body.traffic as Array<Json> | undefined;
  const statuses = body.trafficStatuses as Array<Json> | undefined;
  const numbered = (targets: Json[]) =>
    targets.map((target) => ({
      ...target,
      type: enumNumber(ALLOCATION, enumName(ALLOCATION, target.type) ?? ""),
    }));
  return {
    ...body,
    ...(traffic ? { traffic: numbered(traffic) } : {}),
    ...(statuses ? { trafficStatuses: numbered(statuses) } : {}),
    ingress: enumNumber("google.cloud.run.v2.IngressTraffic", String(body.ingress)),
    launchStage: enumNumber("google.api.LaunchStage", String(body.launchStage)),
    ...(condition
      ? {
          terminalCondition: {
            ...condition,
            state: enumNumber("google.cloud.run.v2.Condition.State", String(condition.state)),
          },
        }
      : {}),
  };
}
