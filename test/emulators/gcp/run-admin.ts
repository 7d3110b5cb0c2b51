// Cloud Run Admin API v2 over REST, the subset a deploy uses: services get/create/patch (with
// allowMissing), operations get, getIamPolicy/setIamPolicy with etags (409 ABORTED on a stale one).
// Bodies are checked against the v2 protos; enums are answered as numbers when the client asks for
// enum-encoding=int (as @google-cloud/run does) and as names otherwise.

import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { words } from "../word-list.ts";
import { authenticate, callerMembers } from "./bearer-auth.ts";
import { INVALID_CREDENTIALS, jsonBody, sendGoogleError, sendJson } from "./http-io.ts";
import { enumName, shapeProblems } from "./proto-shape.ts";
import { answerWithOperation, deleteService, listServices } from "./run-admin-cleanup.ts";
import { operationJson, render, serviceNotFound, staleEtag } from "./run-admin-render.ts";
import { withServiceDefaults } from "./run-admin-server-defaults.ts";
import { policyJson, policyOf, setIamPolicy } from "./run-iam-policy.ts";
import { labelProblem } from "./run-labels.ts";
import { refuseDisabledService } from "./service-disabled.ts";
import { templateProblem } from "./service-template.ts";
import type { ServiceRecord } from "./state.ts";
import type { TokenContext } from "./token-context.ts";
import { reviseService } from "./traffic.ts";

export interface RunAdminContext extends TokenContext {
  /** The external base URL services are reached at; a service's uri is under it. */
  serviceBaseUrl: () => string;
  operationDelayMs: number;
}

const SERVICE_PATH =
  /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/:]+)(:getIamPolicy|:setIamPolicy)?$/;
const SERVICES_PATH = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services$/;
const OPERATION_PATH = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/operations\/([^/]+)$/;
const OUTPUT_ONLY =
  words(`uid generation createTime updateTime deleteTime expireTime creator lastModifier observedGeneration
  terminalCondition conditions latestReadyRevision latestCreatedRevision trafficStatuses uri urls
  satisfiesPzs reconciling etag`);

export async function handleRunAdmin(
  ctx: RunAdminContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname;
  const service = SERVICE_PATH.exec(path);
  const services = SERVICES_PATH.exec(path);
  const operation = OPERATION_PATH.exec(path);
  const match = service ?? services ?? operation;
  if (!match) return false;
  const [, project = "", region = ""] = match;
  const caller = await authenticate(ctx, req);
  if (!caller) return sendGoogleError(res, 401, INVALID_CREDENTIALS);
  const projectRecord = ctx.state.projects.get(project);
  if (!projectRecord) return sendGoogleError(res, 404, `Project '${project}' not found or deleted.`);
  // Google checks that the API is enabled for the project before anything else about the call.
  if (refuseDisabledService(res, projectRecord, "run.googleapis.com")) return true;
  if (!ctx.state.regions.has(region))
    return sendGoogleError(res, 404, `Location '${region}' is not found or is not supported by Cloud Run.`);
  const numbers = (url.searchParams.get("$alt") ?? "").includes("enum-encoding=int");
  const resource = service
    ? `projects/${project}/locations/${region}/services/${service[3]}`
    : `projects/${project}/locations/${region}`;
  const permission = permissionFor(req.method ?? "GET", service?.[4], Boolean(operation), Boolean(services));
  if (!callerMembers(caller).some((member) => projectRecord.runAdmins.has(member)))
    return sendGoogleError(
      res,
      403,
      `Permission '${permission}' denied on resource '${resource}' (or resource may not exist).`,
    );
  if (operation) return getOperation(ctx, res, `${resource}/operations/${operation[3]}`, numbers);
  if (service?.[4] === ":getIamPolicy" && req.method === "GET")
    return sendJson(res, 200, policyJson(policyOf(ctx, resource)));
  if (service?.[4] === ":setIamPolicy" && req.method === "POST") return setIamPolicy(ctx, req, res, resource);
  const target = {
    project,
    region,
    id: service?.[3] ?? "",
    numbers,
    principal: caller.principal,
    members: callerMembers(caller),
  };
  if (service && !service[4] && req.method === "GET") {
    const record = ctx.state.services.get(resource);
    return record ? sendJson(res, 200, render(record.body, numbers)) : serviceNotFound(res, target);
  }
  if (service && !service[4] && req.method === "PATCH") {
    const exists = ctx.state.services.has(resource);
    if (!exists && url.searchParams.get("allowMissing") !== "true") return serviceNotFound(res, target);
    return writeService(ctx, req, res, target);
  }
  if (services && req.method === "GET") return listServices(ctx, res, url, resource, numbers);
  if (service && !service[4] && req.method === "DELETE")
    return deleteService(ctx, res, url, resource, target);
  if (services && req.method === "POST") {
    const id = url.searchParams.get("serviceId") ?? "";
    if (!/^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$/.test(id))
      return sendGoogleError(res, 400, "serviceId must be a valid service name.");
    if (ctx.state.services.has(`${resource}/services/${id}`))
      return sendGoogleError(res, 409, `Resource '${id}' already exists.`, "ALREADY_EXISTS");
    return writeService(ctx, req, res, { ...target, id });
  }
  return sendGoogleError(res, 404, "Not Found", "NOT_FOUND");
}

function permissionFor(
  method: string,
  suffix: string | undefined,
  operation: boolean,
  collection: boolean,
): string {
  if (operation) return "run.operations.get";
  if (collection && method === "GET") return "run.services.list";
  if (method === "DELETE") return "run.services.delete";
  if (suffix === ":getIamPolicy") return "run.services.getIamPolicy";
  if (suffix === ":setIamPolicy") return "run.services.setIamPolicy";
  if (method === "GET") return "run.services.get";
  return method === "POST" ? "run.services.create" : "run.services.update";
}

/** The service a call names, and how it wants enums (numbers under enum-encoding=int). */
export interface ServiceTarget {
  project: string;
  region: string;
  id: string;
  numbers: boolean;
  principal: string;
  /** The caller and the groups it belongs to, as IAM members (for actAs on the runtime service account). */
  members: string[];
}

async function writeService(
  ctx: RunAdminContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: ServiceTarget,
): Promise<true> {
  const body = await jsonBody(req, res);
  if (!body) return true;
  const problems = shapeProblems(body, "google.cloud.run.v2.Service");
  if (problems.length > 0) return sendGoogleError(res, 400, `Invalid JSON payload received. ${problems[0]}`);
  const name = `projects/${target.project}/locations/${target.region}/services/${target.id}`;
  if (body.name !== undefined && body.name !== "" && body.name !== name)
    return sendGoogleError(res, 400, `service.name ${String(body.name)} does not match the request path.`);
  const badLabel = labelProblem(body.labels);
  if (badLabel) return sendGoogleError(res, 400, badLabel);
  const refused = templateProblem(body, { state: ctx.state, ...target });
  if (refused) return sendGoogleError(res, refused.status, refused.message);
  const existing = ctx.state.services.get(name);
  if (existing && typeof body.etag === "string" && body.etag !== "" && body.etag !== existing.body.etag)
    return staleEtag(res);
  const template = (body.template ?? {}) as { containers?: { image?: string }[] };
  const containers = template.containers ?? [];
  if (containers.length !== 1 || !containers[0]?.image)
    return sendGoogleError(res, 400, "Revision template should contain exactly one container with an image.");
  const image = containers[0].image;
  if (!ctx.state.images.has(image) && !(await ctx.state.imageResolver?.(image)))
    return sendGoogleError(res, 400, `Image '${image}' not found.`);
  const ingress =
    enumName("google.cloud.run.v2.IngressTraffic", body.ingress ?? 0) ?? "INGRESS_TRAFFIC_UNSPECIFIED";
  const projectNumber = ctx.state.projects.get(target.project)?.number ?? "0";
  // What services.get will answer: the body with Cloud Run's defaults (run-admin-server-defaults.ts).
  const stored = withServiceDefaults(
    Object.fromEntries(Object.entries(body).filter(([key]) => !OUTPUT_ONLY.includes(key))),
    projectNumber,
  );
  const uri = `${ctx.serviceBaseUrl()}/${target.id}-${projectNumber}.${target.region}`;
  const randomSuffix = () => randomBytes(2).toString("hex").slice(0, 3);
  const revised = reviseService(existing, stored, target.id, uri, randomSuffix);
  if ("message" in revised) return sendGoogleError(res, revised.status, revised.message, revised.reason);
  const revisions = revised.revisions.length;
  const now = ctx.now().toISOString();
  const revisionName = `${name}/revisions/${revised.latest}`;
  // Every write is a new generation, also one that only moves traffic (and makes no revision).
  const generation = String(Number(existing?.body.generation ?? 0) + 1);
  const record: ServiceRecord = {
    project: target.project,
    region: target.region,
    id: target.id,
    revisions,
    revisionList: revised.revisions,
    body: {
      ...stored,
      name,
      uid: (existing?.body.uid as string | undefined) ?? randomUUID(),
      generation,
      createTime: (existing?.body.createTime as string | undefined) ?? now,
      updateTime: now,
      creator: (existing?.body.creator as string | undefined) ?? target.principal,
      lastModifier: target.principal,
      ingress: ingress === "INGRESS_TRAFFIC_UNSPECIFIED" ? "INGRESS_TRAFFIC_ALL" : ingress,
      launchStage: "GA",
      invokerIamDisabled: body.invokerIamDisabled === true,
      observedGeneration: generation,
      terminalCondition: { type: "Ready", state: "CONDITION_SUCCEEDED", lastTransitionTime: now },
      latestReadyRevision: revisionName,
      latestCreatedRevision: revisionName,
      traffic: revised.traffic,
      trafficStatuses: revised.trafficStatuses,
      uri,
      urls: [uri],
      reconciling: false,
      etag: `"${randomBytes(8).toString("base64url")}"`,
    },
  };
  ctx.state.services.set(name, record);
  // The operation delay stands for a new revision starting; a write that makes none (traffic, tags) is
  // done at once.
  const madeRevision = revisions > (existing?.revisionList?.length ?? 0);
  const timing = madeRevision ? ctx : { ...ctx, operationDelayMs: 0 };
  return answerWithOperation(timing, res, target, name, record.body);
}

function getOperation(ctx: RunAdminContext, res: ServerResponse, name: string, numbers: boolean): true {
  const operation = ctx.state.operations.get(name);
  const service = operation?.deleted ?? (operation && ctx.state.services.get(operation.service)?.body);
  if (!operation || !service) return sendGoogleError(res, 404, `Operation ${name} not found.`);
  return sendJson(
    res,
    200,
    operationJson(name, render(service, numbers), ctx.now().getTime() >= operation.doneAt),
  );
}
