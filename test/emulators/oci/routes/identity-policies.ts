// Identity (20160918): compartments and policies, read-only (tests seed them with
// state.createCompartment / state.createPolicy). GetCompartment also answers for the tenancy, which
// is the root compartment. ListPolicies lists the policies attached to one compartment, a bare JSON
// array with opc-next-page, as every Identity list does.
// https://docs.oracle.com/iaas/api/#/en/identity/20160918/Compartment/GetCompartment
// https://docs.oracle.com/iaas/api/#/en/identity/20160918/Policy/ListPolicies
import { requiredQuery, visibleCompartment } from "../caller-scope.ts";
import { notAuthorizedOrNotFound } from "../errors.ts";
import { etagOf } from "../etag.ts";
import type { PolicyRecord } from "../identity-store.ts";
import { pageOf, readPageRequest } from "../pagination.ts";
import type { RouteContext, RouteDefinition, RouteResponse } from "../router.ts";

// Identity lists: "the maximum number of items to return in a paginated List call"; 1000 at most.
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

export const identityPolicyRoutes: RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/20160918/compartments/{compartmentId}",
    operation: "GetCompartment",
    handler: getCompartment,
  },
  { method: "GET", pattern: "/20160918/policies", operation: "ListPolicies", handler: listPolicies },
  { method: "GET", pattern: "/20160918/policies/{policyId}", operation: "GetPolicy", handler: getPolicy },
];
