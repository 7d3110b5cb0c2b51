import { evaluateCondition, parseCondition, type VariableValue, type Verdict } from "./policy-condition.ts";
import { tokenizeStatement } from "./policy-tokens.ts";

/**
 * Whether a dynamic group's matching rule selects an API gateway. Rules use the condition syntax of
 * policies (`variable =|!= 'value'`, `any|all {...}`); for resources other than instances the variables
 * are resource.id, resource.compartment.id and resource.type, the type as it appears in the OCID
 * (`apigateway`); instance.* never matches a gateway, and tag.* cannot be told here
 * (https://docs.oracle.com/iaas/Content/Identity/dynamicgroups/Writing_Matching_Rules_to_Define_Dynamic_Groups.htm).
 */
export function ruleSelectsGateway(rule: string, gateway: { id: string; compartmentId: string }): Verdict {
  const tokens = tokenizeStatement(rule);
  if (typeof tokens === "string") return "unknown";
  const parsed = parseCondition(tokens, 0);
  if (typeof parsed === "string" || parsed.next !== tokens.length) return "unknown";
  const values: Record<string, VariableValue> = {
    "resource.type": { value: "apigateway" },
    "resource.id": { value: gateway.id },
    "resource.compartment.id": { value: gateway.compartmentId },
  };
  return evaluateCondition(parsed.condition, (variable) => {
    if (variable.startsWith("instance.")) return { value: "", notApplicable: true };
    return values[variable];
  });
}
