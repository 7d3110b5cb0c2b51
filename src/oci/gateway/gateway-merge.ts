import { UserError } from "../../errors.ts";
import type { DesiredAuth } from "./gateway-auth-input.ts";
import { type DesiredRoute, routeShape } from "./gateway-routes-input.ts";
import {
  asJson,
  authChecks,
  authorizationTypeOf,
  canonicalSpecification,
  functionRoute,
  type Json,
  methodsOf,
  type RouteAuthorizationType,
  tokenAuthenticationPolicy,
} from "./gateway-spec.ts";

export interface MergeRequest {
  /** undefined: no key source in the inputs, so an existing policy is kept. */
  auth: DesiredAuth | undefined;
  routes: DesiredRoute[];
  prune: boolean;
  allowAnonymous: boolean;
}

export interface MergeResult {
  specification: Json;
  /** Whether the merged specification differs from the existing one in effect. */
  changed: boolean;
  /** Things worth saying: a policy replaced or kept. */
  notes: string[];
  added: string[];
  replaced: string[];
  removed: string[];
  authentication: Json | undefined;
}

/**
 * The deployment specification after applying the inputs to what is deployed: routes with the same
 * path and method set are replaced in place, other routes are kept (unless prune), new ones are
 * appended, and the authentication policy is the inputs' (or the existing one when the inputs name
 * none). Pure, so that a 412 retry can run it again on the re-read specification.
 */
export function mergeSpecification(existing: Json | undefined, request: MergeRequest): MergeResult {
  const notes: string[] = [];
  const existingPolicies = asJson(existing?.requestPolicies) ?? {};
  const existingAuth = asJson(existingPolicies.authentication);
  let authentication: Json | undefined;
  if (request.auth) {
    authentication = tokenAuthenticationPolicy(request.auth) as unknown as Json;
    if (existingAuth && existingAuth.type !== "TOKEN_AUTHENTICATION") {
      notes.push(
        `Replacing the deployment's ${String(existingAuth.type)} policy with TOKEN_AUTHENTICATION (remote JWKS).`,
      );
    }
  } else if (existingAuth) {
    authentication =
      request.allowAnonymous && existingAuth.isAnonymousAccessAllowed !== true
        ? { ...existingAuth, isAnonymousAccessAllowed: true }
        : existingAuth;
    notes.push(
      `Keeping the deployment's ${String(existingAuth.type)} policy: no jwks-uri or entra-tenant-id given.`,
    );
    const kept = authChecks(existingAuth);
    if (kept.jwksUri !== "" && kept.issuers.length === 0) {
      notes.push(
        "That policy checks no issuer: any issuer whose tokens its JWKS verifies gets in (for Entra, any tenant); set entra-tenant-id, or jwks-uri with issuers, to replace it.",
      );
    }
  } else if (!request.allowAnonymous) {
    throw new UserError(
      "the routes would have no authentication: set entra-tenant-id (or jwks-uri) and audiences, or allow-anonymous: true for a deliberately open API.",
    );
  }
  const authorization: RouteAuthorizationType | undefined = authentication
    ? request.allowAnonymous
      ? "ANONYMOUS"
      : "AUTHENTICATION_ONLY"
    : undefined;

  const used = new Set<number>();
  const routes: Json[] = [];
  const replaced: string[] = [];
  const removed: string[] = [];
  const existingRoutes = Array.isArray(existing?.routes) ? existing.routes.map((r) => asJson(r) ?? {}) : [];
  for (const route of existingRoutes) {
    const path = String(route.path ?? "");
    const methods = methodsOf(route);
    const index = request.routes.findIndex((wanted, i) => !used.has(i) && sameRoute(wanted, path, methods));
    if (index >= 0) {
      used.add(index);
      replaced.push(label(path, methods));
      routes.push(functionRoute(request.routes[index] as DesiredRoute, authorization) as unknown as Json);
      continue;
    }
    if (request.prune) {
      removed.push(label(path, methods));
      continue;
    }
    const clash = request.routes.find(
      (wanted) =>
        routeShape(wanted.path) === routeShape(path) && wanted.methods.some((m) => methods.includes(m)),
    );
    if (clash) {
      throw new UserError(
        `route ${label(clash.path, clash.methods)} overlaps the deployed route ${label(path, methods)}: give it the same methods to replace it, or set prune: true.`,
      );
    }
    if (authorizationTypeOf(route) === "ANONYMOUS" && authentication?.isAnonymousAccessAllowed !== true) {
      throw new UserError(
        `the deployed route ${label(path, methods)} allows anonymous access: set allow-anonymous: true to keep it, or prune: true to remove it.`,
      );
    }
    routes.push(route);
  }
  const added: string[] = [];
  for (const [index, wanted] of request.routes.entries()) {
    if (used.has(index)) continue;
    added.push(label(wanted.path, wanted.methods));
    routes.push(functionRoute(wanted, authorization) as unknown as Json);
  }

  const { authentication: _previous, ...otherPolicies } = existingPolicies;
  const requestPolicies = authentication ? { ...otherPolicies, authentication } : otherPolicies;
  const specification: Json = { ...existing, requestPolicies, routes };
  return {
    specification,
    changed: !sameSpecification(existing, specification),
    notes,
    added,
    replaced,
    removed,
    authentication,
  };
}

/** True when both specifications mean the same deployment (see canonicalSpecification). */
export function sameSpecification(a: Json | undefined, b: Json | undefined): boolean {
  return canonicalSpecification(a) === canonicalSpecification(b);
}

function sameRoute(wanted: DesiredRoute, path: string, methods: string[]): boolean {
  return (
    routeShape(wanted.path) === routeShape(path) &&
    wanted.methods.length === methods.length &&
    wanted.methods.every((method) => methods.includes(method))
  );
}

function label(path: string, methods: readonly string[]): string {
  return `${methods.join(",")} ${path}`;
}
