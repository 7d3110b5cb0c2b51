// API Gateway deployments (20190501): create and update validate the specification strictly and
// answer with an `opc-work-request-id` whose work request drives CREATING/UPDATING -> ACTIVE.
// Create answers 200 with the Deployment, update 202 with no body, as OCI does; update honours
// if-match (412 on a stale etag). Lists are DeploymentCollection pages with opc-next-page.
import { deploymentModel, deploymentSummaryModel } from "../apigateway-records.ts";
import { withServerDefaults } from "../apigateway-server-defaults.ts";
import { type ApiSpec, readPathPrefix, readSpecification } from "../apigateway-spec.ts";
import type { DeploymentChanges } from "../apigateway-store.ts";
import { readBody, type Schema } from "../body-schema.ts";
import { queriedCompartment, visible, visibleCompartment } from "../caller-scope.ts";
import { invalidParameter } from "../errors.ts";
import { checkIfMatch } from "../etag.ts";
import { compare, listPage, matchesQuery, readSortOrder } from "../pagination.ts";
import { pageResponse, type RouteContext, type RouteResponse, routeTable, withEtag } from "../router.ts";
import { definedTagsOnCreate } from "../tag-defaults.ts";

const UPDATE_DEPLOYMENT_DETAILS = {
  displayName: { type: "string", nonEmpty: true, maxLength: 255 },
  specification: { type: "any" },
  freeformTags: { type: "stringMap" },
  definedTags: { type: "object" },
} satisfies Schema;
const CREATE_DEPLOYMENT_DETAILS = {
  gatewayId: { type: "string", required: true },
  compartmentId: { type: "string", required: true },
  pathPrefix: { type: "any", required: true },
  ...UPDATE_DEPLOYMENT_DETAILS,
  specification: { type: "any", required: true },
  locks: { type: "any" },
} satisfies Schema;
export const APIGATEWAY_PAGE_LIMITS = { defaultLimit: 100, maxLimit: 100 };
const LIFECYCLE_STATES = ["CREATING", "ACTIVE", "UPDATING", "DELETING", "DELETED", "FAILED"];

function deploymentResponse(context: RouteContext, id: string): RouteResponse {
  const { apigw } = context.state;
  const deployment = apigw.settle(visible(context, apigw.deployments.get(id)));
  return withEtag(deploymentModel(deployment, apigw.endpointOf(deployment)));
}

function getDeployment(context: RouteContext): RouteResponse {
  return deploymentResponse(context, context.params.deploymentId ?? "");
}

function listDeployments(context: RouteContext): RouteResponse {
  const { query } = context;
  const { compartmentId } = queriedCompartment(context);
  const lifecycleState = query.get("lifecycleState");
  if (lifecycleState !== null && !LIFECYCLE_STATES.includes(lifecycleState)) {
    throw invalidParameter(`lifecycleState must be one of ${LIFECYCLE_STATES.join(", ")}.`);
  }
  const sortBy = query.get("sortBy") ?? "timeCreated";
  if (sortBy !== "timeCreated" && sortBy !== "displayName") {
    throw invalidParameter("sortBy must be timeCreated or displayName.");
  }
  // OCI: timeCreated sorts newest first by default, displayName A-Z.
  const order = readSortOrder(query, sortBy === "timeCreated" ? "DESC" : "ASC") === "ASC" ? 1 : -1;
  const filters = ["gatewayId", "displayName", "lifecycleState"] as const;
  const scope = ["ListDeployments", compartmentId, ...filters.map((n) => query.get(n)), sortBy, order];
  const { apigw } = context.state;
  const page = listPage(query, scope, APIGATEWAY_PAGE_LIMITS, () =>
    [...apigw.deployments.values()]
      .filter((deployment) => deployment.compartmentId === compartmentId)
      .map((deployment) => apigw.settle(deployment))
      .filter((deployment) => matchesQuery(query, filters, deployment))
      .sort((a, b) => {
        const byKey =
          sortBy === "displayName" ? compare(a.displayName, b.displayName) : a.sequence - b.sequence;
        return order * (byKey || a.sequence - b.sequence);
      }),
  );
  const items = page.items.map((deployment) =>
    deploymentSummaryModel(deployment, apigw.endpointOf(deployment)),
  );
  return pageResponse({ items }, page.nextPage);
}

function createDeployment(context: RouteContext): RouteResponse {
  const body = readBody(context.body, "CreateDeploymentDetails", CREATE_DEPLOYMENT_DETAILS);
  const { gatewayId = "", compartmentId = "", locks } = body;
  const pathPrefix = readPathPrefix(body.pathPrefix);
  if (Array.isArray(locks) ? locks.length > 0 : locks !== undefined) {
    throw invalidParameter("locks are not supported by the emulator.");
  }
  const spec = readSpecification(body.specification);
  visibleCompartment(context, compartmentId);
  visible(context, context.state.apigw.gateways.get(gatewayId));
  checkFunctions(context, spec);
  const { deployment, workRequest } = context.state.apigw.createDeployment({
    gatewayId,
    compartmentId,
    pathPrefix,
    displayName: body.displayName,
    // Stored as GetDeployment will echo it: with the service's defaults (apigateway-server-defaults.ts).
    specification: withServerDefaults(body.specification as Record<string, unknown>),
    spec,
    freeformTags: body.freeformTags,
    definedTags: definedTagsOnCreate(context, body.definedTags),
  });
  const response = deploymentResponse(context, deployment.id);
  return {
    ...response,
    headers: {
      ...response.headers,
      "opc-work-request-id": workRequest.id,
      location: `/deployments/${deployment.id}`,
    },
  };
}

function updateDeployment(context: RouteContext): RouteResponse {
  const id = context.params.deploymentId ?? "";
  const deployment = visible(context, context.state.apigw.deployments.get(id));
  const body = readBody(context.body, "UpdateDeploymentDetails", UPDATE_DEPLOYMENT_DETAILS);
  const { specification, ...fields } = body;
  const changes: DeploymentChanges = fields;
  if (specification !== undefined) {
    const spec = readSpecification(specification);
    checkFunctions(context, spec);
    changes.specification = { raw: withServerDefaults(specification as Record<string, unknown>), spec };
  }
  checkIfMatch(context.headers, deploymentResponse(context, id).headers?.etag ?? "");
  const workRequest = context.state.apigw.updateDeployment(deployment, changes);
  return { status: 202, headers: { "opc-work-request-id": workRequest.id } };
}

/**
 * DeleteDeployment: 202 with the work request that deletes it, if-match honoured. A deleted deployment
 * stays listed as DELETED (the console shows it for 90 days:
 * https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewaydeleting-deployment.htm).
 */
function deleteDeployment(context: RouteContext): RouteResponse {
  const id = context.params.deploymentId ?? "";
  const deployment = visible(context, context.state.apigw.deployments.get(id));
  checkIfMatch(context.headers, deploymentResponse(context, id).headers?.etag ?? "");
  const workRequest = context.state.apigw.deleteDeployment(deployment);
  return { status: 202, headers: { "opc-work-request-id": workRequest.id } };
}

/** OCI refuses a function backend it cannot resolve in the caller's tenancy. */
function checkFunctions(context: RouteContext, spec: ApiSpec): void {
  for (const [index, route] of spec.routes.entries()) {
    if (route.backend.type !== "ORACLE_FUNCTIONS_BACKEND") continue;
    const fn = context.state.fn.functions.get(route.backend.functionId);
    if (!fn || fn.tenancyId !== context.caller?.tenancyId) {
      throw invalidParameter(
        `specification.routes[${index}].backend.functionId ${route.backend.functionId} is not a function you can access.`,
      );
    }
  }
}

export const apiGatewayDeploymentRoutes = routeTable([
  ["GET", "/20190501/deployments", "ListDeployments", listDeployments],
  ["POST", "/20190501/deployments", "CreateDeployment", createDeployment],
  ["GET", "/20190501/deployments/{deploymentId}", "GetDeployment", getDeployment],
  ["PUT", "/20190501/deployments/{deploymentId}", "UpdateDeployment", updateDeployment],
  ["DELETE", "/20190501/deployments/{deploymentId}", "DeleteDeployment", deleteDeployment],
]);
