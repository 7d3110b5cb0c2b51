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
import { queriedCompartment, visible } from "../caller-scope.ts";
import { listPage, matchesQuery } from "../pagination.ts";
import { pageResponse, type RouteContext, type RouteResponse, routeTable, withEtag } from "../router.ts";
import { APIGATEWAY_PAGE_LIMITS } from "./apigateway-deployments.ts";

function getGateway(context: RouteContext): RouteResponse {
  return withEtag(
    gatewayModel(visible(context, context.state.apigw.gateways.get(context.params.gatewayId ?? ""))),
  );
}

function listGateways(context: RouteContext): RouteResponse {
  const { query } = context;
  const { compartmentId } = queriedCompartment(context);
  const filters = ["displayName", "lifecycleState"] as const;
  const scope = ["ListGateways", compartmentId, ...filters.map((name) => query.get(name))];
  const page = listPage(query, scope, APIGATEWAY_PAGE_LIMITS, () =>
    [...context.state.apigw.gateways.values()]
      .filter((gateway) => gateway.compartmentId === compartmentId && matchesQuery(query, filters, gateway))
      .sort((a, b) => b.sequence - a.sequence),
  );
  return pageResponse({ items: page.items.map(gatewaySummaryModel) }, page.nextPage);
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
  return withEtag(workRequestModel(workRequestOf(context), context.now().getTime()));
}

function listWorkRequests(context: RouteContext): RouteResponse {
  const { query } = context;
  const { compartmentId } = queriedCompartment(context);
  const resourceId = query.get("resourceId");
  const page = listPage(query, ["ListWorkRequests", compartmentId, resourceId], APIGATEWAY_PAGE_LIMITS, () =>
    [...context.state.apigw.workRequests.values()]
      .filter((request) => request.compartmentId === compartmentId)
      .filter((request) => resourceId === null || request.deploymentId === resourceId)
      .sort((a, b) => b.sequence - a.sequence),
  );
  const now = context.now().getTime();
  return pageResponse(
    { items: page.items.map((request) => workRequestSummaryModel(request, now)) },
    page.nextPage,
  );
}

function listWorkRequestErrors(context: RouteContext): RouteResponse {
  const request = workRequestOf(context);
  const failed = workRequestStatus(request, context.now().getTime()) === "FAILED" && request.failure;
  const items = failed ? [{ ...request.failure, timestamp: new Date(request.finishedAt).toISOString() }] : [];
  return { status: 200, body: { items } };
}

export const apiGatewayGatewayRoutes = routeTable([
  ["GET", "/20190501/gateways", "ListGateways", listGateways],
  ["GET", "/20190501/gateways/{gatewayId}", "GetGateway", getGateway],
  ["GET", "/20190501/workRequests", "ListWorkRequests", listWorkRequests],
  ["GET", "/20190501/workRequests/{workRequestId}", "GetWorkRequest", getWorkRequest],
  ["GET", "/20190501/workRequests/{workRequestId}/errors", "ListWorkRequestErrors", listWorkRequestErrors],
]);
