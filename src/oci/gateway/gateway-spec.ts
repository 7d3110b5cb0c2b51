import type { models } from "oci-apigateway";
import type { DesiredAuth } from "./gateway-auth-input.ts";
import type { DesiredRoute } from "./gateway-routes-input.ts";

/**
 * Deployment specifications as plain JSON in the shapes of oci-apigateway's models. Existing ones are
 * read loosely (a real gateway echoes policies this project never writes, and they must survive a
 * merge untouched); the parts gateway-deploy writes are built here.
 */
export type Json = Record<string, unknown>;

export type RouteAuthorizationType = "AUTHENTICATION_ONLY" | "ANONYMOUS";

export function tokenAuthenticationPolicy(auth: DesiredAuth): models.TokenAuthenticationPolicy {
  const additional: models.AdditionalValidationPolicy = {
    ...(auth.issuers.length > 0 ? { issuers: auth.issuers } : {}),
    ...(auth.audiences.length > 0 ? { audiences: auth.audiences } : {}),
    ...(auth.verifyClaims.length > 0
      ? {
          verifyClaims: auth.verifyClaims.map(({ key, values, isRequired }) => ({
            key,
            ...(values.length > 0 ? { values } : {}),
            isRequired,
          })),
        }
      : {}),
  };
  const validationPolicy: models.TokenAuthenticationRemoteJWKSValidationPolicy & {
    additionalValidationPolicy?: models.AdditionalValidationPolicy;
  } = {
    type: "REMOTE_JWKS",
    uri: auth.jwksUri,
    maxCacheDurationInHours: auth.maxCacheDurationInHours,
    ...(Object.keys(additional).length > 0 ? { additionalValidationPolicy: additional } : {}),
  };
  return {
    type: "TOKEN_AUTHENTICATION",
    isAnonymousAccessAllowed: auth.isAnonymousAccessAllowed,
    tokenHeader: auth.tokenHeader,
    tokenAuthScheme: auth.tokenAuthScheme,
    maxClockSkewInSeconds: auth.maxClockSkewInSeconds,
    validationPolicy,
  };
}

export function functionRoute(
  route: DesiredRoute,
  authorization: RouteAuthorizationType | undefined,
): models.ApiSpecificationRoute {
  return {
    path: route.path,
    methods: route.methods as models.ApiSpecificationRoute.Methods[],
    ...(authorization ? { requestPolicies: { authorization: { type: authorization } } } : {}),
    backend: {
      type: "ORACLE_FUNCTIONS_BACKEND",
      functionId: route.functionId,
    } as models.OracleFunctionBackend,
  };
}

/** A route's methods as gateway-deploy compares them: GET when absent, as OCI defaults them. */
export function methodsOf(route: Json): string[] {
  const methods = Array.isArray(route.methods) ? route.methods.map((m) => String(m).toUpperCase()) : ["GET"];
  return [...new Set(methods)].sort();
}

export function authorizationTypeOf(route: Json): string {
  const policies = asJson(route.requestPolicies);
  return String(asJson(policies?.authorization)?.type ?? "AUTHENTICATION_ONLY");
}

/** The issuers and audiences a policy enforces (both kinds keep them in different places). */
export function authChecks(policy: Json | undefined): {
  type: string;
  jwksUri: string;
  issuers: string[];
  audiences: string[];
} {
  if (!policy) return { type: "none", jwksUri: "", issuers: [], audiences: [] };
  const type = String(policy.type ?? "");
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  if (type === "JWT_AUTHENTICATION") {
    return {
      type,
      jwksUri: String(asJson(policy.publicKeys)?.uri ?? ""),
      issuers: strings(policy.issuers),
      audiences: strings(policy.audiences),
    };
  }
  const validation = asJson(policy.validationPolicy);
  const additional = asJson(validation?.additionalValidationPolicy);
  return {
    type,
    jwksUri: String(validation?.uri ?? ""),
    issuers: strings(additional?.issuers),
    audiences: strings(additional?.audiences),
  };
}

/**
 * The same specification in one spelling: keys sorted, null/false/empty values dropped (OCI echoes
 * defaults such as isSslVerifyDisabled: false or loggingPolicies: {} that were never sent), route
 * methods as a sorted set with OCI's GET default. Equal canonical forms mean "nothing to update".
 */
export function canonicalSpecification(spec: Json | undefined): string {
  const routes = Array.isArray(spec?.routes) ? spec.routes : [];
  const normalised = {
    ...spec,
    routes: routes.map((route) => {
      const json = asJson(route) ?? {};
      return { ...json, methods: methodsOf(json) };
    }),
  };
  return JSON.stringify(canonical(normalised) ?? {});
}

function canonical(value: unknown): unknown {
  if (value === null || value === undefined || value === false) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value !== "object") return value;
  const entries = Object.keys(value as Json)
    .sort()
    .map((key) => [key, canonical((value as Json)[key])] as const)
    .filter(([, entry]) => entry !== undefined);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

export function asJson(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}
