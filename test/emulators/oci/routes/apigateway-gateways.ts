// API Gateway gateways (read-only: tests seed them with state.createGateway) and work requests
// (20190501). A work request reads ACCEPTED, IN_PROGRESS, then SUCCEEDED or FAILED on the
// emulator clock; a FAILED one lists its errors at /workRequests/{id}/errors.
import {
  gatewayModel,
  gatewaySummaryModel,
  workRequestModel,
  workRequestStatus,
  workRequestSummaryModel,
} from "../apigateway-records.ts";
import { requiredQuery, visible, visibleCompartment } from "../caller-scope.ts";
import { etagOf } from "../etag.ts";
import { pageOf, readPageRequest } from "../pagination.ts";
import type { RouteContext, RouteDefinition, RouteResponse } from "../router.ts";
import { APIGATEWAY_PAGE_LIMITS } from "./apigateway-deployments.ts";

function getGateway(context: RouteContext): RouteResponse {
  const gateway = visible(context, context.state.apigw.gateways.get(context.params.gatewayId ?? ""));
  const body = gatewayModel(gateway);
  return { status: 200, body, headers: { etag: etagOf(body) } };
}

function listGateways(context: RouteContext): RouteResponse {
  const { query } = context;
  const compartmentId = requiredQuery(context, "compartmentId");
  visibleCompartment(context, compartmentId);
  const filters = ["displayName", "lifecycleState"] as const;
  const scope = JSON.stringify(["ListGateways", compartmentId, ...filters.map((name) => query.get(name))]);
  const pageRequest = readPageRequest(query, scope, APIGATEWAY_PAGE_LIMITS);
  const matching = [...context.state.apigw.gateways.values()]
    .filter((gateway) => gateway.compartmentId === compartmentId)
    .filter((gateway) =>
      filters.every((name) => query.get(name) === null || query.get(name) === gateway[name]),
    )
    .sort((a, b) => b.sequence - a.sequence);
  const page = pageOf(matching, pageRequest, scope);
  return {
    status: 200,
    body: { items: page.items.map(gatewaySummaryModel) },
    headers: page.nextPage ? { "opc-next-page": page.nextPage } : {},
  };
}

function workRequestOf(context: RouteContext) {
  const { apigw } = context.state;
  const request = visible(context, apigw.workRequests.get(context.params.workRequestId ?? ""));
  // Reading the work request settles its deployment, so both always tell the same story.
  const deployment = apigw.deployments.get(request.deploymentId);
  if (deployment) apigw.settle(deployment);
  return request;
}

function getWorkRequest(context: RouteContext): RouteResponse {
  const body = workRequestModel(workRequestOf(context), context.now().getTime());
  return { status: 200, body, headers: { etag: etagOf(body) } };
}

function listWorkRequests(context: RouteContext): RouteResponse {
  const { query } = context;
  const compartmentId = requiredQuery(context, "compartmentId");
  visibleCompartment(context, compartmentId);
  const resourceId = query.get("resourceId");
  const scope = JSON.stringify(["ListWorkRequests", compartmentId, resourceId]);
  const pageRequest = readPageRequest(query, scope, APIGATEWAY_PAGE_LIMITS);
  const matching = [...context.state.apigw.workRequests.values()]
    .filter((request) => request.compartmentId === compartmentId)
    .filter((request) => resourceId === null || request.deploymentId === resourceId)
    .sort((a, b) => b.sequence - a.sequence);
  const page = pageOf(matching, pageRequest, scope);
  const now = context.now().getTime();
  return {
    status: 200,
    body: { items: page.items.map((request) => workRequestSummaryModel(request, now)) },
    headers: page.nextPage ? { "opc-next-page": page.nextPage } : {},
  };
}

function listWorkRequestErrors(context: RouteContext): RouteResponse {
  const request = workRequestOf(context);
  const failed = workRequestStatus(request, context.now().getTime()) === "FAILED" && request.failure;
  const items = failed ? [{ ...request.failure, timestamp: new Date(request.finishedAt).toISOString() }] : [];
  return { status: 200, body: { items } };
}

export const apiGatewayGatewayRoutes: RouteDefinition[] = [
  { method: "GET", pattern: "/20190501/gateways", operation: "ListGateways", handler: listGateways },
  { method: "GET", pattern: "/20190501/gateways/{gatewayId}", operation: "GetGateway", handler: getGateway },
  {
    method: "GET",
    pattern: "/20190501/workRequests",
    operation: "ListWorkRequests",
    handler: listWorkRequests,
  },
  {
    method: "GET",
    pattern: "/20190501/workRequests/{workRequestId}",
    operation: "GetWorkRequest",
    handler: getWorkRequest,
  },
  {
    method: "GET",
    pattern: "/20190501/workRequests/{workRequestId}/errors",
    operation: "ListWorkRequestErrors",
    handler: listWorkRequestErrors,
  },
];
