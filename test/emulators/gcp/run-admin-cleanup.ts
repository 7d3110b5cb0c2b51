// Cloud Run Admin API v2: the calls a teardown makes. services.list pages through a region's services
// (https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services/list: pageSize,
// pageToken, nextPageToken); services.delete starts a long-running operation whose response is the
// deleted Service, with an optional etag that must match
// (https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services/delete).
// A deleted service is gone at once: reads answer 404, and its name can be used again.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendGoogleError, sendJson } from "./http-io.ts";
import type { RunAdminContext, ServiceTarget } from "./run-admin.ts";
import { operationJson, render, serviceNotFound, staleEtag } from "./run-admin-render.ts";

const DEFAULT_PAGE_SIZE = 100;

export function listServices(
  ctx: RunAdminContext,
  res: ServerResponse,
  url: URL,
  parent: string,
  numbers: boolean,
): true {
  const sizeText = url.searchParams.get("pageSize");
  const size = sizeText === null || sizeText === "" ? DEFAULT_PAGE_SIZE : Number(sizeText);
  if (!Number.isInteger(size) || size < 0)
    return sendGoogleError(res, 400, `Invalid value at 'page_size' (TYPE_INT32), "${sizeText}"`);
  const token = url.searchParams.get("pageToken") ?? "";
  const start = token === "" ? 0 : offsetOf(token, parent);
  if (start === undefined) return sendGoogleError(res, 400, "The page token is not valid.");
  const all = [...ctx.state.services.values()]
    .filter((record) => `projects/${record.project}/locations/${record.region}` === parent)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = all.slice(start, start + (size === 0 ? DEFAULT_PAGE_SIZE : size));
  const next = start + page.length;
  return sendJson(res, 200, {
    services: page.map((record) => render(record.body, numbers)),
    ...(next < all.length ? { nextPageToken: tokenOf(next, parent) } : {}),
  });
}

export function deleteService(
  ctx: RunAdminContext,
  res: ServerResponse,
  url: URL,
  name: string,
  target: ServiceTarget,
): true {
  const record = ctx.state.services.get(name);
  if (!record) return serviceNotFound(res, target);
  const etag = url.searchParams.get("etag");
  if (etag !== null && etag !== "" && etag !== record.body.etag) return staleEtag(res);
  const deleted = { ...record.body, deleteTime: ctx.now().toISOString(), reconciling: true };
  if (url.searchParams.get("validateOnly") !== "true") {
    ctx.state.services.delete(name);
    ctx.state.policies.delete(name);
  }
  return answerWithOperation(ctx, res, target, name, deleted, true);
}

/**
 * Records a long-running operation on the service `name` and answers with it; `body` is the service it
 * reports (a delete's operation keeps the deleted service, the service itself is gone).
 */
export function answerWithOperation(
  ctx: RunAdminContext,
  res: ServerResponse,
  target: ServiceTarget,
  name: string,
  body: Record<string, unknown>,
  deleted = false,
): true {
  const operation = `projects/${target.project}/locations/${target.region}/operations/${randomUUID()}`;
  const doneAt = ctx.now().getTime() + ctx.operationDelayMs;
  ctx.state.operations.set(operation, {
    name: operation,
    service: name,
    doneAt,
    ...(deleted ? { deleted: body } : {}),
  });
  return sendJson(
    res,
    200,
    operationJson(operation, render(body, target.numbers), ctx.operationDelayMs <= 0),
  );
}

function tokenOf(offset: number, parent: string): string {
  return Buffer.from(JSON.stringify([parent, offset])).toString("base64url");
}

function offsetOf(token: string, parent: string): number | undefined {
  try {
    const [forParent, offset] = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown[];
    return forParent === parent && Number.isInteger(offset) ? (offset as number) : undefined;
  } catch {
    return undefined;
  }
}
