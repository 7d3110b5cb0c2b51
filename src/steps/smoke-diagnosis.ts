import type { JWTPayload } from "jose";
import type { DeployedApi } from "../oci/gateway/deployed-api.ts";
import { cloudRunCause, fcCause, pathOf, type SmokePlatform } from "./smoke-platform-causes.ts";
import { diagnoseTokenRefusal } from "./smoke-token-diagnosis.ts";

/**
 * What is known when the smoke test's positive check failed: the answer, the URL asked, and, in the
 * pipeline, what gateway-deploy left deployed. Pure, so every branch is a row of a decision table;
 * the caller decodes the token (never passed here, so no cause can quote it).
 */
export interface FailedCall {
  status: number;
  url: string;
  method: string;
  /** The token's claims when a token was sent; "undecodable" when it is not a JWT. */
  claims?: JWTPayload | "undecodable" | undefined;
  /** Set in the pipeline: every route and the authentication policy deployed. */
  deployed?: DeployedApi | undefined;
  /**
   * The gateway → functions statement worked out for this gateway and function (pipeline only), or
   * why it could not be (the caller may not read the gateway or the compartments).
   */
  invokeStatement?: { statement: string } | { unknown: string } | undefined;
  nowSeconds: number;
  /** Who answered: Cloud Run and Function Compute refuse for their own reasons; unknown reads as OCI's gateway. */
  platform?: SmokePlatform | undefined;
}

/** Oracle's statement form, with placeholders where only the URL is known. */
export const GENERIC_INVOKE_STATEMENT =
  "ALLOW any-user to use functions-family in compartment <functions' compartment path> where ALL {request.principal.type = 'ApiGateway', request.resource.compartment.id = '<gateway's compartment OCID>'}";
const POLICY_PAGE = "https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewaycreatingpolicies.htm";

/** The likely cause of a failed positive check, in one sentence with the fix, or undefined when none is known. */
export function diagnoseFailure(call: FailedCall): string | undefined {
  if (call.platform === "cloud-run") return cloudRunCause(call);
  if (call.platform === "fc") return fcCause(call);
  if (call.status === 500 || call.status === 502) return missingInvokePolicy(call);
  if (call.status === 404) return routeNotFound(call);
  if (call.status === 401 && call.claims !== undefined) {
    return diagnoseTokenRefusal(call.claims, call.deployed, call.nowSeconds);
  }
  return undefined;
}

/**
 * OCI answers every call of a route 500 when no IAM policy lets the gateway invoke its function (the
 * deployment itself is fine, so nothing before the smoke test fails).
 */
function missingInvokePolicy(call: FailedCall): string {
  const known = call.invokeStatement;
  if (known && "statement" in known) {
    return `the API gateway is likely not allowed to invoke the function: no IAM policy grants it. Attach this statement to a policy in the tenancy (root compartment): ${known.statement} (${POLICY_PAGE}); \`fngate preflight\` checks it.`;
  }
  const why = known ? ` (the exact statement could not be worked out: ${known.unknown})` : "";
  return `if this is an OCI API Gateway route, the gateway is likely not allowed to invoke the function: a policy in the tenancy must say ${GENERIC_INVOKE_STATEMENT}${why}; run \`fngate preflight\` to check it and get the exact statement (${POLICY_PAGE}).`;
}

function routeNotFound(call: FailedCall): string {
  const asked = pathOf(call.url);
  const api = call.deployed;
  if (!api) {
    return `no route answers ${call.method} ${asked}: the URL must be the deployment's endpoint (host and path prefix) followed by a route path; gateway-deploy's url output is one.`;
  }
  const deployed = describeRoutes(api);
  const prefix = trimSlash(pathOf(api.endpoint)) || trimSlash(api.pathPrefix);
  if (prefix !== "" && asked !== prefix && !asked.startsWith(`${prefix}/`)) {
    return `${asked} is not under the deployment's path prefix ${prefix}; it serves ${deployed}.`;
  }
  const routePath = asked.slice(prefix.length) || "/";
  const matching = api.routes.filter((route) => routeMatches(route.path, routePath));
  if (matching.length > 0) {
    const methods = matching.flatMap((route) => route.methods);
    if (!methods.includes("ANY") && !methods.includes(call.method.toUpperCase())) {
      return `route ${prefix}${matching[0]?.path} is deployed for ${methods.join(", ")}, not ${call.method.toUpperCase()}; add the method to the route (gateway-deploy route-methods) or call it with one of those.`;
    }
    return `route ${prefix}${matching[0]?.path} is deployed, so the 404 likely comes from the function itself (or the deployment has not propagated yet).`;
  }
  return `no deployed route matches ${routePath} under path prefix ${prefix || "/"} (asked ${asked}); the deployment serves ${deployed}: call one of them, or add the route (gateway-deploy routes or route-path).`;
}

function describeRoutes(api: DeployedApi): string {
  const prefix = trimSlash(pathOf(api.endpoint)) || trimSlash(api.pathPrefix);
  if (api.routes.length === 0) return "no routes";
  return api.routes.map((route) => `${route.methods.join(",")} ${prefix}${route.path}`).join("; ");
}

/** A route path with `{name}` parameters (and a final `{name*}` wildcard) as OCI matches it. */
export function routeMatches(pattern: string, path: string): boolean {
  const want = trimSlash(pattern).split("/");
  const got = trimSlash(path).split("/");
  for (const [index, segment] of want.entries()) {
    if (/^\{[^}]*\*\}$/.test(segment)) return got.length > index;
    const actual = got[index];
    if (actual === undefined) return false;
    if (/^\{[^}]*\}$/.test(segment) ? actual === "" : segment !== actual) return false;
  }
  return got.length === want.length;
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, "");
}

/** The function behind the route a URL reaches (the first function route when none matches). */
export function functionBehind(api: DeployedApi, url: string): string | undefined {
  const prefix = trimSlash(pathOf(api.endpoint)) || trimSlash(api.pathPrefix);
  const routePath = pathOf(url).slice(prefix.length) || "/";
  const matching = api.routes.find((route) => route.functionId && routeMatches(route.path, routePath));
  return (matching ?? api.routes.find((route) => route.functionId))?.functionId;
}
