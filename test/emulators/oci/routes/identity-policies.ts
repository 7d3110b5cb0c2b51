// Identity (20160918): compartments, policies and dynamic groups, read-only (tests seed them with
// state.createCompartment / state.createPolicy / state.createDynamicGroup). GetCompartment also answers for the tenancy, which
// is the root compartment. ListPolicies lists the policies attached to one compartment, a bare JSON
// array with opc-next-page, as every Identity list does.
// https://docs.oracle.com/iaas/api/#/en/identity/20160918/Compartment/GetCompartment
// https://docs.oracle.com/iaas/api/#/en/identity/20160918/Policy/ListPolicies
import { requiredQuery, visibleCompartment } from "../caller-scope.ts";
import { invalidParameter, notAuthorizedOrNotFound } from "../errors.ts";
import { etagOf } from "../etag.ts";
import type { PolicyRecord } from "../identity-store.ts";
import { pageOf, readPageRequest } from "../pagination.ts";
import type { RouteContext, RouteDefinition, RouteResponse } from "../router.ts";

// Pages of 100 unless `limit` says otherwise, so a client that ignores opc-next-page misses policies.
const IDENTITY_PAGE_LIMITS = { defaultLimit: 100, maxLimit: 1000 };

function getCompartment(context: RouteContext): RouteResponse {
  const id = context.params.compartmentId ?? "";
  const tenancy = visibleCompartment(context, id);
  const compartment = context.state.iam.compartments.get(id);
  const body = compartment
    ? {
        id: compartment.id,
        compartmentId: compartment.parentId,
        name: compartment.name,
        description: compartment.description,
        timeCreated: compartment.timeCreated,
        lifecycleState: compartment.lifecycleState,
        inactiveStatus: null,
        isAccessible: true,
        freeformTags: {},
        definedTags: {},
      }
    : {
        // The root compartment: the tenancy names itself as its own parent.
        id: tenancy.id,
        compartmentId: tenancy.id,
        name: tenancy.name,
        description: tenancy.name,
        timeCreated: tenancy.timeCreated,
        lifecycleState: "ACTIVE",
        inactiveStatus: null,
        isAccessible: true,
        freeformTags: {},
        definedTags: {},
      };
  return { status: 200, body, headers: { etag: etagOf(body) } };
}

function policyModel(policy: PolicyRecord): Record<string, unknown> {
  return {
    id: policy.id,
    compartmentId: policy.compartmentId,
    name: policy.name,
    statements: [...policy.statements],
    description: policy.description,
    timeCreated: policy.timeCreated,
    lifecycleState: "ACTIVE",
    inactiveStatus: null,
    versionDate: null,
    freeformTags: {},
    definedTags: {},
  };
}

function listPolicies(context: RouteContext): RouteResponse {
  const compartmentId = requiredQuery(context, "compartmentId");
  visibleCompartment(context, compartmentId);
  const name = context.query.get("name");
  const scope = JSON.stringify(["ListPolicies", compartmentId, name]);
  const request = readPageRequest(context.query, scope, IDENTITY_PAGE_LIMITS);
  const matching = context.state.iam
    .policiesIn(compartmentId)
    .filter((policy) => name === null || policy.name === name);
  const page = pageOf(matching, request, scope);
  return {
    status: 200,
    body: page.items.map(policyModel),
    headers: page.nextPage ? { "opc-next-page": page.nextPage } : {},
  };
}

function getPolicy(context: RouteContext): RouteResponse {
  const policy = context.state.iam.policies.get(context.params.policyId ?? "");
  if (!policy || policy.tenancyId !== context.caller?.tenancyId) throw notAuthorizedOrNotFound();
  const body = policyModel(policy);
  return { status: 200, body, headers: { etag: etagOf(body) } };
}

/** Dynamic groups live in the tenancy: "Specify the OCID of the tenancy" as compartmentId. */
function listDynamicGroups(context: RouteContext): RouteResponse {
  const compartmentId = requiredQuery(context, "compartmentId");
  const tenancy = visibleCompartment(context, compartmentId);
  if (compartmentId !== tenancy.id) throw invalidParameter("compartmentId must be the tenancy OCID.");
  const scope = JSON.stringify(["ListDynamicGroups", compartmentId]);
  const request = readPageRequest(context.query, scope, IDENTITY_PAGE_LIMITS);
  const groups = [...context.state.iam.dynamicGroups.values()]
    .filter((group) => group.tenancyId === tenancy.id)
    .sort((a, b) => a.sequence - b.sequence);
  const page = pageOf(groups, request, scope);
  return {
    status: 200,
    body: page.items.map((group) => ({
      id: group.id,
      compartmentId: group.tenancyId,
      name: group.name,
      description: group.description,
      matchingRule: group.matchingRule,
      timeCreated: group.timeCreated,
      lifecycleState: "ACTIVE",
      inactiveStatus: null,
      freeformTags: {},
      definedTags: {},
    })),
    headers: page.nextPage ? { "opc-next-page": page.nextPage } : {},
  };
}

export const identityPolicyRoutes: RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/20160918/compartments/{compartmentId}",
    operation: "GetCompartment",
    handler: getCompartment,
  },
  { method: "GET", pattern: "/20160918/policies", operation: "ListPolicies", handler: listPolicies },
  { method: "GET", pattern: "/20160918/policies/{policyId}", operation: "GetPolicy", handler: getPolicy },
  {
    method: "GET",
    pattern: "/20160918/dynamicGroups",
    operation: "ListDynamicGroups",
    handler: listDynamicGroups,
  },
];
