// Whether an API gateway may call a function: OCI lets a gateway invoke a function only when an IAM
// policy in the function's compartment or one of its ancestors grants it, in the statement form
// Oracle documents ("Create a Policy to Give API Gateways Access to Functions"):
//   ALLOW any-user to use functions-family in compartment <functions-compartment-name>
//     where ALL {request.principal.type= 'ApiGateway', request.resource.compartment.id = '<api-gateway-compartment-OCID>'}
// https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewaycreatingpolicies.htm
// Without it the gateway answers every call of the route 500 Internal Server Error, while invoking
// the function directly works (the route is deployed; the call behind it is refused).
//
// This reader is the emulator's own, independent of fngate's (src/oci/iam): it understands the
// statement grammar of https://docs.oracle.com/iaas/Content/Identity/Concepts/policysyntax.htm —
// subject any-user, any-group, or one dynamic group (by name or id) whose matching rule selects the
// gateway: resource.type 'apigateway', resource.id and resource.compartment.id, in the same =/!=,
// any/all syntax (https://docs.oracle.com/iaas/Content/Identity/dynamicgroups/Writing_Matching_Rules_to_Define_Dynamic_Groups.htm), verb
// use or manage on functions-family, fn-invocation or all-resources (or {FN_INVOCATION}), location
// tenancy, compartment id <ocid> or compartment <name>[:<name>...] relative to where the policy is
// attached (https://docs.oracle.com/iaas/Content/Identity/policysyntax/location.htm), and a where
// clause of =/!= comparisons under any/all, matched case-insensitively, 'text' or /pattern*/
// (https://docs.oracle.com/iaas/Content/Identity/policysyntax/conditions.htm). A variable the
// request does not carry makes its comparison false, as OCI declines such requests.
import type { GatewayRecord } from "../oci/apigateway-records.ts";
import type { OciState } from "../oci/state.ts";

const STATEMENT =
  /^allow\s+(any-user|any-group|dynamic-group\s+(?:id\s+)?\S+)\s+to\s+(?:(use|manage)\s+([a-z-]+)|\{([^}]*)\})\s+in\s+(tenancy|compartment\s+id\s+\S+|compartment\s+\S+)(?:\s+where\s+(.+))?$/is;
const GRANTING_TYPES = new Set(["functions-family", "fn-invocation", "all-resources"]);

/** Why the gateway may not call the function, or undefined when a policy lets it. */
export function functionAccessDenied(
  state: OciState,
  gateway: GatewayRecord,
  functionCompartmentId: string,
): string | undefined {
  const path = state.iam.pathOf(functionCompartmentId);
  if (!path) return `the function's compartment ${functionCompartmentId} is unknown`;
  const variables: Record<string, string> = {
    "request.principal.type": "apigateway",
    "request.principal.id": gateway.id.toLowerCase(),
    "request.principal.compartment.id": gateway.compartmentId.toLowerCase(),
    "request.resource.compartment.id": gateway.compartmentId.toLowerCase(),
  };
  for (const [depth, attached] of path.entries()) {
    for (const policy of state.iam.policiesIn(attached.id)) {
      for (const statement of policy.statements) {
        if (grants(state, gateway, statement.trim(), path.slice(depth), variables)) return undefined;
      }
    }
  }
  return `no policy lets API gateways in ${gateway.compartmentId} use functions-family in compartment ${path.map((c) => c.name).join(":")}`;
}

/** `below` is the attaching compartment followed by the path down to the function's compartment. */
function grants(
  state: OciState,
  gateway: GatewayRecord,
  statement: string,
  below: { id: string; name: string }[],
  variables: Record<string, string>,
) {
  const match = STATEMENT.exec(statement.replace(/\s+/g, " "));
  if (!match) return false;
  const [, subject = "", verb, resourceType, permissions, location = "", condition] = match;
  if (subject.toLowerCase().startsWith("dynamic-group") && !inDynamicGroup(state, gateway, subject))
    return false;
  const access = verb
    ? GRANTING_TYPES.has((resourceType ?? "").toLowerCase())
    : (permissions ?? "").split(",").some((p) => p.trim().toUpperCase() === "FN_INVOCATION");
  if (!access) return false;
  if (!covers(location, below)) return false;
  return condition === undefined || evaluate(condition.trim(), variables);
}

/** Whether the dynamic group a statement names selects this gateway. */
function inDynamicGroup(state: OciState, gateway: GatewayRecord, subject: string): boolean {
  const words = subject.split(" ");
  const byId = words[1]?.toLowerCase() === "id";
  const wanted = (byId ? words[2] : words[1])?.replace(/^'|'$/g, "") ?? "";
  const group = [...state.iam.dynamicGroups.values()].find(
    (candidate) =>
      candidate.tenancyId === gateway.tenancyId &&
      (byId ? candidate.id === wanted : candidate.name.toLowerCase() === wanted.toLowerCase()),
  );
  if (!group) return false;
  return evaluate(group.matchingRule.replace(/\s+/g, " ").trim(), {
    "resource.type": "apigateway",
    "resource.id": gateway.id.toLowerCase(),
    "resource.compartment.id": gateway.compartmentId.toLowerCase(),
  });
}

function covers(location: string, below: { id: string; name: string }[]): boolean {
  const words = location.split(" ");
  if (words[0]?.toLowerCase() === "tenancy") return isRoot(below);
  if (words[1]?.toLowerCase() === "id") return below.some((c) => c.id === words[2]);
  const names = (words[1] ?? "").split(":").map((name) => name.replace(/^'|'$/g, "").toLowerCase());
  // A name is a child of the compartment the policy is attached to; a path walks further down.
  return names.every((name, index) => below[index + 1]?.name.toLowerCase() === name);
}

/** Only a policy attached to the tenancy (the root, whose OCID is a tenancy OCID) may say `in tenancy`. */
function isRoot(below: { id: string }[]): boolean {
  return below[0]?.id.startsWith("ocid1.tenancy.") ?? false;
}

function evaluate(text: string, variables: Record<string, string>): boolean {
  const group = /^(all|any)\s*\{(.*)\}$/is.exec(text);
  if (group) {
    const parts = splitTopLevel(group[2] ?? "").map((part) => evaluate(part.trim(), variables));
    return group[1]?.toLowerCase() === "all" ? parts.every(Boolean) : parts.some(Boolean);
  }
  const comparison = /^([a-z0-9._-]+)\s*(!?=)\s*(.+)$/is.exec(text);
  if (!comparison) return false;
  const actual = variables[(comparison[1] ?? "").toLowerCase()];
  if (actual === undefined) return false;
  const equal = matches(actual, (comparison[3] ?? "").trim());
  return comparison[2] === "=" ? equal : !equal;
}

function matches(actual: string, literal: string): boolean {
  const quoted = /^'(.*)'$/s.exec(literal);
  if (quoted) return actual === (quoted[1] ?? "").toLowerCase();
  const pattern = /^\/(.*)\/$/s.exec(literal);
  if (!pattern) return false;
  const source = (pattern[1] ?? "")
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`).test(actual);
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === "{") depth++;
    else if (!quoted && char === "}") depth--;
    else if (!quoted && depth === 0 && char === ",") {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
