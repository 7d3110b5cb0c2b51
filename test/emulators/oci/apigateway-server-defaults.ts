// What API Gateway adds to a deployment specification before GetDeployment echoes it: the client's
// JSON comes back with the service's defaults filled in, so a caller comparing "what is deployed"
// with "what I would send" sees fields it never sent. Applied to the stored copy on create and
// update (the validated request is unchanged), so every read, list and etag sees the same thing.
//
// Each default, and where it is written down:
// - requestPolicies.mutualTls {isVerifiedCertificateRequired: false, allowedSans: []}: mTLS is off
//   unless a deployment asks for it ("Adding mTLS support to API Deployments",
//   https://docs.oracle.com/iaas/Content/APIGateway/Tasks/apigatewayaddingmtlssupport.htm).
// - route methods ["GET"] when absent: the default the emulator's router already applies (see
//   readRoute in apigateway-spec.ts; `methods` is optional in oci-apigateway's
//   lib/model/api-specification-route.d.ts).
// - route requestPolicies.authorization {type: AUTHENTICATION_ONLY} when the deployment has an
//   authentication policy and the route names none ("Adding Authentication and Authorization Request
//   Policies": only routes explicitly marked Anonymous admit unauthenticated callers,
//   https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusingauthorizerfunction_topic-Adding_authn_authz_request_policies.htm).
// - HTTP_BACKEND connectTimeoutInSeconds 60, readTimeoutInSeconds 10, sendTimeoutInSeconds 10,
//   isSslVerifyDisabled false ("Adding an HTTP or HTTPS URL as an API Gateway Back End",
//   https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusinghttpbackend.htm).
// - TOKEN_AUTHENTICATION / JWT_AUTHENTICATION: isAnonymousAccessAllowed false ("Enable anonymous
//   access ... By default, this option is not selected",
//   https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-usingconsole.htm),
//   maxClockSkewInSeconds 0, and for a remote JWKS isSslVerifyDisabled false and
//   maxCacheDurationInHours 1 (the policy fields of
//   https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-usinjson.htm;
//   the same defaults the emulator's data plane applies, see apigateway-auth-spec.ts).
// - loggingPolicies {} on the specification and on each route, responsePolicies {} on each route:
//   the service answers with the policy containers present even when none was sent (Oracle's own
//   Terraform provider marks them Optional + Computed for that reason: oracle/terraform-provider-oci,
//   internal/service/apigateway/apigateway_deployment_resource.go).
import type { Json } from "./apigateway-fields.ts";

export const HTTP_BACKEND_DEFAULTS = {
  connectTimeoutInSeconds: 60,
  readTimeoutInSeconds: 10,
  sendTimeoutInSeconds: 10,
  isSslVerifyDisabled: false,
} as const;

export const MUTUAL_TLS_DEFAULT = { isVerifiedCertificateRequired: false, allowedSans: [] } as const;

/** A deep copy of a validated specification with the service's defaults filled in. */
export function withServerDefaults(specification: Json): Json {
  const spec = structuredClone(specification);
  const policies = objectOf(spec.requestPolicies);
  spec.requestPolicies = policies;
  policies.mutualTls ??= structuredClone(MUTUAL_TLS_DEFAULT);
  const authentication = isObject(policies.authentication) ? policies.authentication : undefined;
  if (authentication) fillAuthentication(authentication);
  spec.loggingPolicies ??= {};
  if (Array.isArray(spec.routes)) {
    spec.routes = spec.routes.map((route) => fillRoute(route as Json, authentication !== undefined));
  }
  return spec;
}

function fillRoute(route: Json, hasAuthentication: boolean): Json {
  route.methods ??= ["GET"];
  const policies = objectOf(route.requestPolicies);
  if (hasAuthentication) policies.authorization ??= { type: "AUTHENTICATION_ONLY" };
  route.requestPolicies = policies;
  route.responsePolicies ??= {};
  route.loggingPolicies ??= {};
  const backend = isObject(route.backend) ? route.backend : undefined;
  if (backend?.type === "HTTP_BACKEND") {
    for (const [name, value] of Object.entries(HTTP_BACKEND_DEFAULTS)) backend[name] ??= value;
  }
  return route;
}

function fillAuthentication(policy: Json): void {
  policy.isAnonymousAccessAllowed ??= false;
  policy.maxClockSkewInSeconds ??= 0;
  const keys = policy.type === "JWT_AUTHENTICATION" ? policy.publicKeys : policy.validationPolicy;
  if (isObject(keys) && keys.type === "REMOTE_JWKS") {
    keys.isSslVerifyDisabled ??= false;
    keys.maxCacheDurationInHours ??= 1;
  }
}

function objectOf(value: unknown): Json {
  return isObject(value) ? value : {};
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
