// Functions management API (https://functions.<region>.oci.oraclecloud.com/20181201):
// applications, read-only (tests seed them with state.fn.createApplication: fngate never creates
// one). List is a bare JSON array of ApplicationSummary with opc-next-page; get returns the
// Application model with an etag.
import { queriedCompartment, visible } from "../caller-scope.ts";
import { invalidParameter } from "../errors.ts";
import { applicationModel, applicationSummaryModel } from "../functions-models.ts";
import { creationKey, listPage, matchesQuery, type Page, readSortOrder, sortItems } from "../pagination.ts";
import { pageResponse, type RouteContext, type RouteResponse, routeTable, withEtag } from "../router.ts";

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

export const functionsApplicationRoutes = routeTable([
  ["GET", "/20181201/applications", "ListApplications", listApplications],
  ["GET", "/20181201/applications/{applicationId}", "GetApplication", getApplication],
]);
