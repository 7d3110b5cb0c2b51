// Validation of a deployment's ApiSpecification as OCI does it on create and update: a 400
// InvalidParameter naming the field for a bad path, method, backend or policy. The result is the
// normalised spec the gateway data plane routes by. Policies that only shape traffic (CORS,
// rate limiting, logging, header/query transformations and validations, response policies) are
// accepted and stored but not enforced; the emulator is about routing and authentication.
import { words } from "../word-list.ts";
import {
  type AuthPolicy,
  type RouteAuthorization,
  readAuthPolicy,
  readRouteAuthorization,
} from "./apigateway-auth-spec.ts";
import {
  type Json,
  objectAt,
  onlyFields,
  optionalArrayAt,
  optionalNumberAt,
  optionalObjectAt,
  optionalStringAt,
  stringAt,
  typeAt,
} from "./apigateway-fields.ts";
import { invalidParameter } from "./errors.ts";
import { isOcid } from "./ocid.ts";

export type RouteSegment =
  | { kind: "literal"; value: string }
  | { kind: "param"; name: string; rest: boolean };

export type Backend =
  | { type: "ORACLE_FUNCTIONS_BACKEND"; functionId: string }
  | { type: "STOCK_RESPONSE_BACKEND"; status: number; body: string; headers: Array<[string, string]> }
  | { type: "HTTP_BACKEND"; url: string };

export interface ApiRoute {
  path: string;
  segments: RouteSegment[];
  methods: string[];
  authorization: RouteAuthorization;
  backend: Backend;
}

export interface ApiSpec {
  authentication: AuthPolicy | undefined;
  routes: ApiRoute[];
}

export const ROUTE_METHODS = ["ANY", "HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const SPEC_FIELDS = ["requestPolicies", "loggingPolicies", "routes"];
const SPEC_POLICY_FIELDS = words(
  `authentication rateLimiting cors mutualTls usagePlans dynamicAuthentication`,
);
const ROUTE_FIELDS = ["path", "methods", "requestPolicies", "responsePolicies", "loggingPolicies", "backend"];
const ROUTE_POLICY_FIELDS =
  words(`authorization cors queryParameterValidations headerValidations bodyValidation headerTransformations
  queryParameterTransformations responseCacheLookup`);
const BACKEND_TYPES = [
  "ORACLE_FUNCTIONS_BACKEND",
  "STOCK_RESPONSE_BACKEND",
  "HTTP_BACKEND",
  "OAUTH2_LOGIN_BACKEND",
  "OAUTH2_LOGOUT_BACKEND",
  "DYNAMIC_ROUTING_BACKEND",
] as const;
// RFC 3986 pchar without percent-encoding; `{name}` and a final `{name*}` are the RFC 6570 subset
// OCI accepts in route paths.
const LITERAL_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/;
const PARAM_SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_]*)(\*?)\}$/;

function invalidSegment(path: string, value: string, segment: string): Error {
  return invalidParameter(
    `${path} ${JSON.stringify(value)} has an invalid segment ${JSON.stringify(segment)}.`,
  );
}

export function readPathPrefix(value: unknown, path = "pathPrefix"): string {
  if (typeof value !== "string" || value === "") throw invalidParameter(`${path} is required.`);
  if (!value.startsWith("/")) throw invalidParameter(`${path} must start with "/".`);
  if (value.length > 255) throw invalidParameter(`${path} must be at most 255 characters.`);
  if (value !== "/" && value.endsWith("/")) throw invalidParameter(`${path} must not end with "/".`);
  for (const segment of value.slice(1).split("/")) {
    if (value !== "/" && !LITERAL_SEGMENT.test(segment)) throw invalidSegment(path, value, segment);
  }
  return value;
}

export function readSpecification(value: unknown, path = "specification"): ApiSpec {
  const spec = objectAt(value, path);
  onlyFields(spec, SPEC_FIELDS, path);
  const policiesPath = `${path}.requestPolicies`;
  const policies = optionalObjectAt(spec, "requestPolicies", path) ?? {};
  onlyFields(policies, SPEC_POLICY_FIELDS, policiesPath);
  for (const name of ["usagePlans", "dynamicAuthentication"]) {
    if (policies[name] !== undefined && policies[name] !== null) {
      throw invalidParameter(`${policiesPath}.${name} is not supported by the emulator.`);
    }
  }
  const authentication =
    policies.authentication === undefined || policies.authentication === null
      ? undefined
      : readAuthPolicy(policies.authentication, `${policiesPath}.authentication`);
  const routes = (optionalArrayAt(spec, "routes", path) ?? []).map((route, index) =>
    readRoute(route, `${path}.routes[${index}]`, authentication),
  );
  const seen = new Set<string>();
  for (const [index, route] of routes.entries()) {
    for (const method of route.methods) {
      const key = `${method} ${route.segments.map((s) => (s.kind === "literal" ? s.value : "{}")).join("/")}`;
      if (seen.has(key)) {
        throw invalidParameter(
          `${path}.routes[${index}] repeats ${method} ${route.path} of an earlier route.`,
        );
      }
      seen.add(key);
    }
  }
  return { authentication, routes };
}

function readRoute(value: unknown, path: string, authentication: AuthPolicy | undefined): ApiRoute {
  const route = objectAt(value, path);
  onlyFields(route, ROUTE_FIELDS, path);
  const routePath = stringAt(route, "path", path);
  const methods = optionalArrayAt(route, "methods", path) ?? ["GET"];
  if (methods.length === 0) throw invalidParameter(`${path}.methods must not be empty.`);
  for (const [index, method] of methods.entries()) {
    if (typeof method !== "string" || !(ROUTE_METHODS as readonly string[]).includes(method)) {
      throw invalidParameter(`${path}.methods[${index}] must be one of ${ROUTE_METHODS.join(", ")}.`);
    }
  }
  const policies = optionalObjectAt(route, "requestPolicies", path) ?? {};
  onlyFields(policies, ROUTE_POLICY_FIELDS, `${path}.requestPolicies`);
  if (route.backend === undefined || route.backend === null)
    throw invalidParameter(`${path}.backend is required.`);
  return {
    path: routePath,
    segments: readRoutePath(routePath, `${path}.path`),
    methods: [...new Set(methods as string[])],
    authorization: readRouteAuthorization(
      policies.authorization,
      `${path}.requestPolicies.authorization`,
      authentication,
    ),
    backend: readBackend(route.backend, `${path}.backend`),
  };
}

function readRoutePath(value: string, path: string): RouteSegment[] {
  if (!value.startsWith("/")) throw invalidParameter(`${path} must start with "/".`);
  if (value === "/") return [];
  const parts = value.slice(1).split("/");
  return parts.map((part, index) => {
    const param = PARAM_SEGMENT.exec(part);
    if (param?.[1]) {
      if (param[2] && index !== parts.length - 1)
        throw invalidParameter(`${path}: {${param[1]}*} must be last.`);
      return { kind: "param", name: param[1], rest: param[2] === "*" };
    }
    if (!LITERAL_SEGMENT.test(part)) throw invalidSegment(path, value, part);
    return { kind: "literal", value: part };
  });
}

function readBackend(value: unknown, path: string): Backend {
  const backend = objectAt(value, path);
  const type = typeAt(backend, path, BACKEND_TYPES);
  switch (type) {
    case "ORACLE_FUNCTIONS_BACKEND": {
      onlyFields(backend, ["type", "functionId"], path);
      const functionId = stringAt(backend, "functionId", path);
      if (!isOcid(functionId, "fnfunc"))
        throw invalidParameter(`${path}.functionId must be a function OCID.`);
      return { type, functionId };
    }
    case "STOCK_RESPONSE_BACKEND":
      return readStockResponse(backend, path);
    case "HTTP_BACKEND": {
      onlyFields(
        backend,
        words(
          `type url connectTimeoutInSeconds readTimeoutInSeconds sendTimeoutInSeconds isSslVerifyDisabled`,
        ),
        path,
      );
      const url = stringAt(backend, "url", path);
      if (!/^https?:\/\/[^/]/.test(url)) throw invalidParameter(`${path}.url must be an http(s) URL.`);
      return { type, url };
    }
    default:
      throw invalidParameter(`${path}.type ${type} is not supported by the emulator.`);
  }
}

function readStockResponse(backend: Json, path: string): Backend {
  onlyFields(backend, ["type", "status", "body", "headers"], path);
  const status = optionalNumberAt(backend, "status", path, { min: 100, max: 599, integer: true });
  if (status === undefined) throw invalidParameter(`${path}.status is required.`);
  const headers = (optionalArrayAt(backend, "headers", path) ?? []).map((entry, index): [string, string] => {
    const headerPath = `${path}.headers[${index}]`;
    const header = objectAt(entry, headerPath);
    onlyFields(header, ["name", "value"], headerPath);
    return [stringAt(header, "name", headerPath), optionalStringAt(header, "value", headerPath) ?? ""];
  });
  return {
    type: "STOCK_RESPONSE_BACKEND",
    status,
    body: optionalStringAt(backend, "body", path) ?? "",
    headers,
  };
}
