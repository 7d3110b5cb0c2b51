import { evaluateCondition, type VariableResolver, type Verdict } from "./policy-condition.ts";
import { type PolicyStatement, parseStatement } from "./policy-statement.ts";

/**
 * Whether one policy statement lets an API gateway invoke functions in a compartment. Oracle documents
 * the grant as (https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewaycreatingpolicies.htm):
 *   ALLOW any-user to use functions-family in compartment <functions-compartment-name>
 *     where ALL {request.principal.type= 'ApiGateway', request.resource.compartment.id = '<api-gateway-compartment-OCID>'}
 * or, for a dynamic group whose matching rule holds the gateways, `Allow dynamic-group <name> to use
 * functions-family in compartment <name>`. Invoking needs `use fn-invocation`, which functions-family
 * (and all-resources) include, as does `manage`
 * (https://docs.oracle.com/iaas/Content/Identity/Reference/functionspolicyreference.htm).
 */
export interface InvokeScene {
  gateway: { id: string; compartmentId: string };
  /** The functions' compartment and its ancestors, from the tenancy (root) down: ids and names. */
  functionPath: { id: string; name: string }[];
  /** Whether a dynamic group holds the gateway; "unknown" when its rule cannot be read. */
  dynamicGroupHoldsGateway?: (principal: { name?: string; domain?: string; id?: string }) => Verdict;
}

export interface GrantDecision {
  verdict: Verdict;
  /** Why it does not grant, or what cannot be told. */
  why: string;
}

const GRANTING_TYPES = new Set(["functions-family", "fn-invocation", "all-resources"]);
const GRANTING_VERBS = new Set(["use", "manage"]);

/** `attachedTo` is the compartment (or tenancy) the statement's policy is attached to. */
export function gatewayInvokeGrant(text: string, attachedTo: string, scene: InvokeScene): GrantDecision {
  const parsed = parseStatement(text);
  if (!parsed.ok) return { verdict: false, why: parsed.reason };
  const { statement } = parsed;
  const checks: GrantDecision[] = [
    subjectHoldsGateway(statement, scene),
    allowsInvoke(statement),
    coversFunctions(statement, attachedTo, scene),
    conditionHolds(statement, scene),
  ];
  const refusal = checks.find((check) => check.verdict === false);
  if (refusal) return refusal;
  const unsure = checks.filter((check) => check.verdict === "unknown");
  if (unsure.length > 0) return { verdict: "unknown", why: unsure.map((check) => check.why).join("; ") };
  return { verdict: true, why: "grants it" };
}

function subjectHoldsGateway(statement: PolicyStatement, scene: InvokeScene): GrantDecision {
  const { subject } = statement;
  // any-group covers "all users, instance principals and resource principals in the tenancy".
  if (subject.kind !== "principals") return { verdict: true, why: subject.kind };
  let best: GrantDecision = { verdict: false, why: "its subject is not any-user or a dynamic group" };
  for (const principal of subject.principals) {
    if (principal.type !== "dynamic-group") continue;
    const label = principal.id ?? [principal.domain, principal.name].filter(Boolean).join("/");
    const holds = scene.dynamicGroupHoldsGateway?.(principal) ?? "unknown";
    if (holds === true) return { verdict: true, why: `dynamic group ${label}` };
    if (holds === "unknown") {
      best = {
        verdict: "unknown",
        why: `whether dynamic group ${label} holds the gateway (its matching rule must hold ALL {resource.type = 'ApiGateway', resource.compartment.id = '${scene.gateway.compartmentId}'})`,
      };
    } else if (best.verdict === false) {
      best = { verdict: false, why: `dynamic group ${label} does not hold the gateway` };
    }
  }
  return best;
}

function allowsInvoke(statement: PolicyStatement): GrantDecision {
  const { access } = statement;
  if ("permissions" in access) {
    return access.permissions.includes("FN_INVOCATION")
      ? { verdict: true, why: "FN_INVOCATION" }
      : { verdict: false, why: "its permissions do not include FN_INVOCATION" };
  }
  if (!GRANTING_VERBS.has(access.verb)) {
    return { verdict: false, why: `${access.verb} does not allow invoking (use or manage does)` };
  }
  if (!GRANTING_TYPES.has(access.resourceType)) {
    return { verdict: false, why: `${access.resourceType} does not include fn-invocation` };
  }
  return { verdict: true, why: `${access.verb} ${access.resourceType}` };
}

function coversFunctions(statement: PolicyStatement, attachedTo: string, scene: InvokeScene): GrantDecision {
  const { location } = statement;
  const path = scene.functionPath;
  const where = path.map((compartment) => compartment.name).join(":");
  const outside = { verdict: false, why: `its location does not include compartment ${where}` } as const;
  if (location.kind === "tenancy") {
    // Only a policy attached to the tenancy itself can name the whole tenancy.
    return path[0]?.id === attachedTo ? { verdict: true, why: "tenancy" } : outside;
  }
  if (location.kind === "compartment-id") {
    return path.some((compartment) => compartment.id === location.id)
      ? { verdict: true, why: "id" }
      : outside;
  }
  // A name is a child of the attaching compartment; a:b walks further down. Names are matched
  // without regard to case, as IAM matches them.
  const start = path.findIndex((compartment) => compartment.id === attachedTo);
  if (start < 0) return outside;
  const named = location.path.every(
    (name, index) => path[start + 1 + index]?.name.toLowerCase() === name.toLowerCase(),
  );
  return named ? { verdict: true, why: location.path.join(":") } : outside;
}

function conditionHolds(statement: PolicyStatement, scene: InvokeScene): GrantDecision {
  if (!statement.condition) return { verdict: true, why: "no condition" };
  const verdict = evaluateCondition(statement.condition, gatewayRequest(scene));
  if (verdict === true) return { verdict, why: "its condition holds" };
  if (verdict === false) return { verdict, why: "its where clause excludes the gateway's call" };
  return { verdict, why: "whether its where clause holds for the gateway's call" };
}

/**
 * The variables of the gateway's invoke request. Oracle's statement compares
 * request.resource.compartment.id with the API gateway's compartment; a statement naming the functions'
 * compartment there instead (when the two differ) cannot be told from here.
 */
function gatewayRequest(scene: InvokeScene): VariableResolver {
  const functions = scene.functionPath.at(-1);
  const gatewayCompartment = scene.gateway.compartmentId;
  const values: Record<string, { value: string; alsoPossible?: string[] }> = {
    "request.principal.type": { value: "ApiGateway" },
    "request.principal.id": { value: scene.gateway.id },
    "request.principal.compartment.id": { value: gatewayCompartment },
    "request.resource.compartment.id": {
      value: gatewayCompartment,
      ...(functions && functions.id !== gatewayCompartment ? { alsoPossible: [functions.id] } : {}),
    },
    "request.permission": { value: "FN_INVOCATION" },
    ...(functions
      ? {
          "target.compartment.id": { value: functions.id },
          "target.compartment.name": { value: functions.name },
        }
      : {}),
  };
  return (variable) => values[variable];
}
