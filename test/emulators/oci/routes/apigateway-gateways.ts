// API Gateway gateways (read-only: tests seed them with state.createGateway) and work requests
// (20190501). A work request reads ACCEPTED, IN_PROGRESS, then SUCCEEDED or FAILED on the
// emulator clock; a FAILED one lists its errors at /workRequests/{id}/errors.
import { gatewayModel, workRequestModel, workRequestStatus } from "../apigateway-records.ts";
import { visible } from "../caller-scope.ts";
import { type RouteContext, type RouteResponse, routeTable, withEtag } from "../router.ts";

function getGateway(context: RouteContext): RouteResponse {
  return withEtag(
    gatewayModel(visible(context, context.state.apigw.gateways.get(context.params.gatewayId ?? ""))),
  );
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

function listWorkRequestErrors(context: RouteContext): RouteResponse {
  const request = workRequestOf(context);
  const failed = workRequestStatus(request, context.now().getTime()) === "FAILED" && request.failure;
  const items = failed ? [{ ...request.failure, timestamp: new Date(request.finishedAt).toISOString() }] : [];
  return { status: 200, body: { items } };
}

export const apiGatewayGatewayRoutes = routeTable([
  ["GET", "/20190501/gateways/{gatewayId}", "GetGateway", getGateway],
  ["GET", "/20190501/workRequests/{workRequestId}", "GetWorkRequest", getWorkRequest],
  ["GET", "/20190501/workRequests/{workRequestId}/errors", "ListWorkRequestErrors", listWorkRequestErrors],
]);
