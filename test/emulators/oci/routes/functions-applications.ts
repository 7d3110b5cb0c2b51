// Functions management API (https://functions.<region>.oci.oraclecloud.com/20181201):
// applications. List is a bare JSON array of ApplicationSummary with opc-next-page; create and
// get return the Application model with an etag.
import { readBody, type Schema } from "../body-schema.ts";
import { queriedCompartment, visible, visibleCompartment } from "../caller-scope.ts";
import { invalidParameter } from "../errors.ts";
import { applicationModel, applicationSummaryModel } from "../functions-models.ts";
import { isOcid } from "../ocid.ts";
import { creationKey, listPage, matchesQuery, type Page, readSortOrder, sortItems } from "../pagination.ts";
import { pageResponse, type RouteContext, type RouteResponse, routeTable, withEtag } from "../router.ts";
import { definedTagsOnCreate } from "../tag-defaults.ts";

const OBJECT = { type: "object" } as const;
const CREATE_APPLICATION_DETAILS = {
  compartmentId: { type: "string", required: true },
  displayName: { type: "string", required: true, maxLength: 255 },
  subnetIds: { type: "strings", required: true, check: checkSubnets },
  shape: { type: "string", oneOf: ["GENERIC_X86", "GENERIC_ARM", "GENERIC_X86_ARM"] },
  traceConfig: OBJECT,
  logging: OBJECT,
  imagePolicyConfig: OBJECT,
  securityAttributes: OBJECT,
  definedTags: OBJECT,
  config: { type: "config" },
  networkSecurityGroupIds: { type: "strings" },
  syslogUrl: { type: "string" },
  freeformTags: { type: "stringMap" },
} satisfies Schema;
// ListApplications/ListFunctions: "1 is the minimum, 50 is the maximum. Default: 10".
export const FUNCTIONS_PAGE_LIMITS = { defaultLimit: 10, maxLimit: 50 };

const LIST_FILTERS = ["displayName", "id", "lifecycleState"] as const;
type Listed = {
  id: string;
  displayName: string;
  lifecycleState: string;
  timeCreated: string;
  sequence: number;
};

/**
 * A ListApplications or ListFunctions page: `all` filtered by displayName, id and lifecycleState, then
 * sorted by sortBy timeCreated|id|displayName.
 */
export function functionsListPage<T extends Listed>(
  context: RouteContext,
  operation: string,
  parentId: string,
  all: () => T[],
): Page<T> {
  const { query } = context;
  const filters = LIST_FILTERS.map((name) => query.get(name));
  const scope = [operation, parentId, ...filters, query.get("sortBy"), query.get("sortOrder")];
  return listPage(query, scope, FUNCTIONS_PAGE_LIMITS, () => {
    const items = all().filter((item) => matchesQuery(query, LIST_FILTERS, item));
    const sortBy = query.get("sortBy") ?? "displayName";
    const order = readSortOrder(query, "ASC");
    if (sortBy === "displayName") return sortItems(items, (item) => item.displayName, order);
    if (sortBy === "id") return sortItems(items, (item) => item.id, order);
    if (sortBy === "timeCreated") return sortItems(items, creationKey, order);
    throw invalidParameter("sortBy must be timeCreated, id or displayName.");
  });
}

function listApplications(context: RouteContext): RouteResponse {
  const { compartmentId } = queriedCompartment(context);
  const page = functionsListPage(context, "ListApplications", compartmentId, () =>
    [...context.state.fn.applications.values()].filter((app) => app.compartmentId === compartmentId),
  );
  return pageResponse(page.items.map(applicationSummaryModel), page.nextPage);
}

function getApplication(context: RouteContext): RouteResponse {
  return withEtag(
    applicationModel(visible(context, context.state.fn.applications.get(context.params.applicationId ?? ""))),
  );
}

function checkSubnets(subnetIds: string[]): void {
  for (const subnetId of subnetIds) {
    if (!isOcid(subnetId, "subnet")) throw invalidParameter(`subnetIds: ${subnetId} is not a subnet OCID.`);
  }
}

function createApplication(context: RouteContext): RouteResponse {
  const {
    compartmentId = "",
    displayName = "",
    ...body
  } = readBody(context.body, "CreateApplicationDetails", CREATE_APPLICATION_DETAILS);
  visibleCompartment(context, compartmentId);
  const { config, shape, networkSecurityGroupIds, syslogUrl, freeformTags, subnetIds } = body;
  const application = context.state.fn.createApplication({
    compartmentId,
    displayName,
    ...(subnetIds ? { subnetIds } : {}),
    ...(config ? { config } : {}),
    ...(shape ? { shape } : {}),
    ...(networkSecurityGroupIds ? { networkSecurityGroupIds } : {}),
    ...(syslogUrl ? { syslogUrl } : {}),
    ...(freeformTags ? { freeformTags } : {}),
    definedTags: definedTagsOnCreate(context, body.definedTags),
  });
  return withEtag(applicationModel(application));
}

export const functionsApplicationRoutes = routeTable([
  ["GET", "/20181201/applications", "ListApplications", listApplications],
  ["POST", "/20181201/applications", "CreateApplication", createApplication],
  ["GET", "/20181201/applications/{applicationId}", "GetApplication", getApplication],
]);
