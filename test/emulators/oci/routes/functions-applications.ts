// Functions management API (https://functions.<region>.oci.oraclecloud.com/20181201):
// applications. List is a bare JSON array of ApplicationSummary with opc-next-page; create and
// get return the Application model with an etag.
import {
  optionalConfig,
  optionalObject,
  optionalStringArray,
  optionalStringMap,
  rejectUnknownFields,
} from "../body-fields.ts";
import { requiredQuery, visible, visibleCompartment } from "../caller-scope.ts";
import { invalidParameter, missingParameter } from "../errors.ts";
import { etagOf } from "../etag.ts";
import { applicationModel, applicationSummaryModel } from "../functions-models.ts";
import type { ApplicationRecord } from "../functions-store.ts";
import { optionalString, parseJsonObject, requiredString } from "../json-body.ts";
import { isOcid } from "../ocid.ts";
import { pageOf, readPageRequest, readSortOrder, sortItems } from "../pagination.ts";
import type { RouteContext, RouteDefinition, RouteResponse } from "../router.ts";
import { definedTagsOnCreate } from "../tag-defaults.ts";

const CREATE_FIELDS = [
  "compartmentId",
  "displayName",
  "config",
  "subnetIds",
  "shape",
  "networkSecurityGroupIds",
  "syslogUrl",
  "traceConfig",
  "logging",
  "freeformTags",
  "definedTags",
  "imagePolicyConfig",
  "securityAttributes",
];
const SHAPES = ["GENERIC_X86", "GENERIC_ARM", "GENERIC_X86_ARM"];
// ListApplications/ListFunctions: "1 is the minimum, 50 is the maximum. Default: 10".
export const FUNCTIONS_PAGE_LIMITS = { defaultLimit: 10, maxLimit: 50 };

export function applicationResponse(application: ApplicationRecord): RouteResponse {
  const body = applicationModel(application);
  return { status: 200, body, headers: { etag: etagOf(body) } };
}

/** Sorting shared by ListApplications and ListFunctions: sortBy timeCreated|id|displayName. */
export function sortByQuery<
  T extends { id: string; displayName: string; timeCreated: string; sequence: number },
>(context: RouteContext, items: readonly T[]): T[] {
  const sortBy = context.query.get("sortBy") ?? "displayName";
  const order = readSortOrder(context.query, "ASC");
  if (sortBy === "displayName") return sortItems(items, (item) => item.displayName, order);
  if (sortBy === "id") return sortItems(items, (item) => item.id, order);
  if (sortBy === "timeCreated") {
    return sortItems(
      items,
      (item) => `${item.timeCreated}/${String(item.sequence).padStart(12, "0")}`,
      order,
    );
  }
  throw invalidParameter("sortBy must be timeCreated, id or displayName.");
}

function listApplications(context: RouteContext): RouteResponse {
  const compartmentId = requiredQuery(context, "compartmentId");
  visibleCompartment(context, compartmentId);
  const { query } = context;
  const filters = ["displayName", "id", "lifecycleState"] as const;
  const scope = JSON.stringify([
    "ListApplications",
    compartmentId,
    ...filters.map((name) => query.get(name)),
    query.get("sortBy"),
    query.get("sortOrder"),
  ]);
  const pageRequest = readPageRequest(query, scope, FUNCTIONS_PAGE_LIMITS);
  const matching = [...context.state.fn.applications.values()].filter(
    (application) =>
      application.compartmentId === compartmentId &&
      filters.every((name) => query.get(name) === null || query.get(name) === application[name]),
  );
  const page = pageOf(sortByQuery(context, matching), pageRequest, scope);
  return {
    status: 200,
    body: page.items.map(applicationSummaryModel),
    headers: page.nextPage ? { "opc-next-page": page.nextPage } : {},
  };
}

function getApplication(context: RouteContext): RouteResponse {
  return applicationResponse(
    visible(context, context.state.fn.applications.get(context.params.applicationId ?? "")),
  );
}

function createApplication(context: RouteContext): RouteResponse {
  const body = parseJsonObject(context.body);
  rejectUnknownFields(body, CREATE_FIELDS, "CreateApplicationDetails");
  const compartmentId = requiredString(body, "compartmentId");
  const displayName = requiredString(body, "displayName");
  if (displayName.length > 255) throw invalidParameter("displayName must be at most 255 characters.");
  const subnetIds = optionalStringArray(body, "subnetIds");
  if (!subnetIds || subnetIds.length === 0) throw missingParameter("subnetIds is required.");
  for (const subnetId of subnetIds) {
    if (!isOcid(subnetId, "subnet")) throw invalidParameter(`subnetIds: ${subnetId} is not a subnet OCID.`);
  }
  const shape = optionalString(body, "shape");
  if (shape !== undefined && !SHAPES.includes(shape))
    throw invalidParameter(`shape must be one of ${SHAPES.join(", ")}.`);
  for (const name of ["traceConfig", "logging", "imagePolicyConfig", "securityAttributes", "definedTags"]) {
    optionalObject(body, name);
  }
  visibleCompartment(context, compartmentId);
  const config = optionalConfig(body, "config");
  const networkSecurityGroupIds = optionalStringArray(body, "networkSecurityGroupIds");
  const syslogUrl = optionalString(body, "syslogUrl");
  const freeformTags = optionalStringMap(body, "freeformTags");
  const definedTags = optionalObject(body, "definedTags");
  const application = context.state.fn.createApplication({
    compartmentId,
    displayName,
    subnetIds,
    ...(config ? { config } : {}),
    ...(shape ? { shape } : {}),
    ...(networkSecurityGroupIds ? { networkSecurityGroupIds } : {}),
    ...(syslogUrl ? { syslogUrl } : {}),
    ...(freeformTags ? { freeformTags } : {}),
    definedTags: definedTagsOnCreate(context, definedTags),
  });
  return applicationResponse(application);
}

export const functionsApplicationRoutes: RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/20181201/applications",
    operation: "ListApplications",
    handler: listApplications,
  },
  {
    method: "POST",
    pattern: "/20181201/applications",
    operation: "CreateApplication",
    handler: createApplication,
  },
  {
    method: "GET",
    pattern: "/20181201/applications/{applicationId}",
    operation: "GetApplication",
    handler: getApplication,
  },
];
