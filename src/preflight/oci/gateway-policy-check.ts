import type { IdentityClient } from "oci-identity";
import { ruleSelectsGateway } from "../../oci/iam/dynamic-group-rule.ts";
import { gatewayInvokePolicyCommand, gatewayInvokeStatement } from "../../oci/iam/gateway-invoke-fix.ts";
import { gatewayInvokeGrant } from "../../oci/iam/gateway-invoke-grant.ts";
import type { Verdict } from "../../oci/iam/policy-condition.ts";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { callFailure } from "./call-failure.ts";
import { type CompartmentNode, compartmentPath, pathName } from "./compartment-path.ts";
import type { FoundGateway } from "./gateway-check.ts";

export const GATEWAY_POLICY = "gateway → functions policy";

/**
 * Whether an IAM policy lets the gateway invoke the functions: every statement of every policy
 * attached to the functions' compartment or one of its ancestors up to the tenancy (only those can
 * reach it) is read with src/oci/iam. Without one, every call of the route is a 500, so a sure miss
 * blocks; a caller who may not read policies (a 404 on ListPolicies needs `inspect policies`), a
 * dynamic group or a condition fngate cannot evaluate leaves it a warning.
 */
export async function checkGatewayPolicy(
  identity: IdentityClient,
  tenancyId: string,
  gateway: FoundGateway,
  functionsCompartmentId: string,
): Promise<CheckRow> {
  let path: CompartmentNode[];
  try {
    ({ path } = await compartmentPath(identity, functionsCompartmentId, tenancyId));
  } catch (error) {
    const statement = gatewayInvokeStatement(
      [{ id: tenancyId, name: "<tenancy>" }],
      gateway.compartmentId,
    ).replace("in tenancy", "in compartment <path:to:the functions' compartment>");
    return cannotTell(
      GATEWAY_POLICY,
      `the functions' compartment ${functionsCompartmentId} could not be read (GetCompartment: ${callFailure(error)}), so its policies cannot be found; the user may need: Allow group <your group> to inspect compartments in tenancy`,
      `make sure a policy in the tenancy says: ${statement}`,
    );
  }
  const statement = gatewayInvokeStatement(path, gateway.compartmentId);
  const fix = `${statement} — attach it to the tenancy: Console → Identity & Security → Policies → (root compartment) → Create Policy, or ${gatewayInvokePolicyCommand(tenancyId, statement)}`;
  const unreadable: string[] = [];
  const attached: { compartment: CompartmentNode; name: string; statements: string[] }[] = [];
  for (const compartment of path) {
    try {
      for (const policy of await policiesIn(identity, compartment.id))
        attached.push({ compartment, ...policy });
    } catch (error) {
      unreadable.push(`${compartment.name} (ListPolicies: ${callFailure(error)})`);
    }
  }
  const dynamicGroups = attached.some((policy) =>
    policy.statements.some((text) => /dynamic-group/i.test(text)),
  )
    ? await readDynamicGroups(identity, tenancyId)
    : undefined;
  const scene = {
    gateway,
    functionPath: path,
    dynamicGroupHoldsGateway: (principal: { name?: string; domain?: string; id?: string }) =>
      holdsGateway(dynamicGroups, principal, gateway),
  };
  const unsure: string[] = [];
  for (const policy of attached) {
    for (const text of policy.statements) {
      const decision = gatewayInvokeGrant(text, policy.compartment.id, scene);
      if (decision.verdict === true) {
        return ok(GATEWAY_POLICY, `policy ${policy.name} in ${policy.compartment.name}: ${oneLine(text)}`);
      }
      if (decision.verdict === "unknown") {
        unsure.push(
          `policy ${policy.name} in ${policy.compartment.name} (cannot tell ${decision.why}): ${oneLine(text)}`,
        );
      }
    }
  }
  if (dynamicGroups && "failure" in dynamicGroups && unsure.length > 0) {
    unsure.push(`the dynamic groups could not be read (ListDynamicGroups: ${dynamicGroups.failure})`);
  }
  const where = `compartment ${pathName(path)}`;
  if (unreadable.length > 0) {
    return cannotTell(
      GATEWAY_POLICY,
      `no readable policy lets API gateways in ${gateway.compartmentId} invoke functions in ${where}, and the user may not read the policies of ${unreadable.join(", ")} (inspect policies is needed)`,
      `make sure this statement exists: ${fix}`,
    );
  }
  if (unsure.length > 0) {
    return cannotTell(GATEWAY_POLICY, `only statements fngate cannot decide: ${unsure.join("; ")}`, fix);
  }
  return missing(
    GATEWAY_POLICY,
    `no policy in ${where} or above lets API gateways in ${gateway.compartmentId} invoke its functions: every call through the gateway would answer 500`,
    fix,
    true,
  );
}

type DynamicGroups = { groups: { id: string; name: string; matchingRule: string }[] } | { failure: string };

async function readDynamicGroups(identity: IdentityClient, tenancyId: string): Promise<DynamicGroups> {
  const groups: { id: string; name: string; matchingRule: string }[] = [];
  let page: string | undefined;
  try {
    do {
      const response = await identity.listDynamicGroups({
        compartmentId: tenancyId,
        ...(page ? { page } : {}),
      });
      for (const group of response.items) {
        groups.push({ id: group.id, name: group.name, matchingRule: group.matchingRule });
      }
      page = response.opcNextPage || undefined;
    } while (page);
  } catch (error) {
    return { failure: callFailure(error) };
  }
  return { groups };
}

/**
 * A statement's dynamic group, looked up by OCID or name among the tenancy's (the Default identity
 * domain's); groups of other identity domains are not listed by this API, so they cannot be told.
 */
function holdsGateway(
  dynamicGroups: DynamicGroups | undefined,
  principal: { name?: string; domain?: string; id?: string },
  gateway: FoundGateway,
): Verdict {
  if (!dynamicGroups || "failure" in dynamicGroups) return "unknown";
  if (principal.domain && principal.domain.toLowerCase() !== "default") return "unknown";
  const group = dynamicGroups.groups.find((candidate) =>
    principal.id
      ? candidate.id === principal.id
      : candidate.name.toLowerCase() === principal.name?.toLowerCase(),
  );
  return group ? ruleSelectsGateway(group.matchingRule, gateway) : false;
}

async function policiesIn(identity: IdentityClient, compartmentId: string) {
  const policies: { name: string; statements: string[] }[] = [];
  let page: string | undefined;
  do {
    const response = await identity.listPolicies({ compartmentId, ...(page ? { page } : {}) });
    for (const policy of response.items) {
      if (policy.lifecycleState === "DELETED" || policy.lifecycleState === "DELETING") continue;
      policies.push({ name: policy.name, statements: policy.statements ?? [] });
    }
    page = response.opcNextPage || undefined;
  } while (page);
  return policies;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
