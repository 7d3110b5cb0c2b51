// Identity (20160918): compartments, policies and dynamic groups, read-only (tests seed them with
// state.createCompartment / state.createPolicy / state.createDynamicGroup). GetCompartment also answers for the tenancy, which
// is the root compartment. ListPolicies lists the policies attached to one compartment, a bare JSON
// array with opc-next-page, as every Identity list does.
// https://docs.oracle.com/iaas/api/#/en/identity/20160918/Compartment/GetCompartment
// https://docs.oracle.com/iaas/api/#/en/identity/20160918/Policy/ListPolicies
import { queriedCompartment, visibleCompartment } from "../caller-scope.ts";
import { invalidParameter } from "../errors.ts";
import type { PolicyRecord } from "../identity-store.ts";
import { listPage } from "../pagination.ts";
import { pageResponse, type RouteContext, type RouteResponse, routeTable, withEtag } from "../router.ts";

// Pages of 100 unless `limit` says otherwise, so a client that ignores opc-next-page misses policies.
const IDENTITY_PAGE_LIMITS = { defaultLimit: 100, maxLimit: 1000 };
// What every Identity model here carries: no inactive status, no tags.
const UNTAGGED_ACTIVE = { inactiveStatus: null, freeformTags: {}, definedTags: {} };

function getCompartment(context: RouteContext): RouteResponse {
  const id = context.params.compartmentId ?? "";
  const tenancy = visibleCompartment(context, id);
  const compartment = context.state.iam.compartments.get(id);
  // The root compartment is the tenancy, which names itself as its own parent.
  const own = compartment
    ? { ...compartment, compartmentId: compartment.parentId }
    : { ...tenancy, compartmentId: tenancy.id, description: tenancy.name, lifecycleState: "ACTIVE" };
  return withEtag({
    id: own.id,
    compartmentId: own.compartmentId,
    name: own.name,
    description: own.description,
    timeCreated: own.timeCreated,
    lifecycleState: own.lifecycleState,
    ...UNTAGGED_ACTIVE,
    isAccessible: true,
  });
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
    ...UNTAGGED_ACTIVE,
    versionDate: null,
  };
}

function listPolicies(context: RouteContext): RouteResponse {
  const { compartmentId } = queriedCompartment(context);
  const name = context.query.get("name");
  const page = listPage(context.query, ["ListPolicies", compartmentId, name], IDENTITY_PAGE_LIMITS, () =>
    context.state.iam.policiesIn(compartmentId).filter((policy) => name === null || policy.name === name),
  );
  return pageResponse(page.items.map(policyModel), page.nextPage);
}

/** Dynamic groups live in the tenancy: "Specify the OCID of the tenancy" as compartmentId. */
function listDynamicGroups(context: RouteContext): RouteResponse {
  const { compartmentId, tenancy } = queriedCompartment(context);
  if (compartmentId !== tenancy.id) throw invalidParameter("compartmentId must be the tenancy OCID.");
  const page = listPage(context.query, ["ListDynamicGroups", compartmentId], IDENTITY_PAGE_LIMITS, () =>
    [...context.state.iam.dynamicGroups.values()]
      .filter((group) => group.tenancyId === tenancy.id)
      .sort((a, b) => a.sequence - b.sequence),
  );
  const items = page.items.map((group) => ({
    id: group.id,
    compartmentId: group.tenancyId,
    name: group.name,
    description: group.description,
    matchingRule: group.matchingRule,
    timeCreated: group.timeCreated,
    lifecycleState: "ACTIVE",
    ...UNTAGGED_ACTIVE,
  }));
  return pageResponse(items, page.nextPage);
}

export const identityPolicyRoutes = routeTable([
  ["GET", "/20160918/compartments/{compartmentId}", "GetCompartment", getCompartment],
  ["GET", "/20160918/policies", "ListPolicies", listPolicies],
  ["GET", "/20160918/dynamicGroups", "ListDynamicGroups", listDynamicGroups],
]);
