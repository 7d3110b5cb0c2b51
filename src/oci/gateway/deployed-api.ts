import { asJson, authChecks, type Json, methodsOf } from "./gateway-spec.ts";

/** A route as deployed (every route of the deployment, not only the ones this run wrote). */
export interface DeployedRoute {
  path: string;
  methods: string[];
  /** The function behind it, when its backend is an OCI function. */
  functionId?: string;
}

/** One verifyClaims entry of the deployed policy: the claim must be present (and hold one of values). */
export interface DeployedClaim {
  key: string;
  values: string[];
  isRequired: boolean;
}

/**
 * What a deployment answers to, read from the specification gateway-deploy left in place: what a
 * failed smoke test is compared with to say why the gateway refused or did not find a call.
 */
export interface DeployedApi {
  /** The deployment's endpoint: the gateway's host and the path prefix. */
  endpoint: string;
  pathPrefix: string;
  routes: DeployedRoute[];
  issuers: string[];
  audiences: string[];
  requiredClaims: DeployedClaim[];
  maxClockSkewInSeconds: number;
}

export function deployedApi(
  specification: Json,
  authentication: Json | undefined,
  deployment: { endpoint: string; pathPrefix: string },
): DeployedApi {
  const checks = authChecks(authentication);
  const routes = (Array.isArray(specification.routes) ? specification.routes : []).flatMap((item) => {
    const route = asJson(item);
    if (!route || typeof route.path !== "string") return [];
    const functionId = asJson(route.backend)?.functionId;
    return [
      {
        path: route.path,
        methods: methodsOf(route),
        ...(typeof functionId === "string" ? { functionId } : {}),
      },
    ];
  });
  return {
    endpoint: deployment.endpoint,
    pathPrefix: deployment.pathPrefix,
    routes,
    issuers: checks.issuers,
    audiences: checks.audiences,
    requiredClaims: verifyClaimsOf(authentication),
    maxClockSkewInSeconds: Number(authentication?.maxClockSkewInSeconds ?? 0) || 0,
  };
}

/** TOKEN_AUTHENTICATION keeps verifyClaims under the validation policy, JWT_AUTHENTICATION at the top. */
function verifyClaimsOf(policy: Json | undefined): DeployedClaim[] {
  const additional = asJson(asJson(policy?.validationPolicy)?.additionalValidationPolicy);
  const claims = additional?.verifyClaims ?? policy?.verifyClaims;
  if (!Array.isArray(claims)) return [];
  return claims.flatMap((item) => {
    const claim = asJson(item);
    if (!claim || typeof claim.key !== "string") return [];
    return [
      {
        key: claim.key,
        values: Array.isArray(claim.values) ? claim.values.map(String) : [],
        // OCI's default: a claim not marked required is only matched when the token carries it.
        isRequired: claim.isRequired === true,
      },
    ];
  });
}
