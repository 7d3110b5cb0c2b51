import { parse } from "yaml";
import { describeError, UserError } from "../../errors.ts";
import { parseOcid } from "../ocid.ts";

/** One route gateway-deploy owns: a path and method set sent to one function. */
export interface DesiredRoute {
  path: string;
  /** Upper case, de-duplicated, sorted: two routes are "the same" when these sets are equal. */
  methods: string[];
  functionId: string;
}

export const ROUTE_METHODS = ["ANY", "HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

// RFC 3986 path characters without percent-encoding, and the `{name}` / final `{name*}` parameters
// OCI accepts in route paths.
const LITERAL_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/;
const PARAM_SEGMENT = /^\{[A-Za-z_][A-Za-z0-9_]*\*?\}$/;

/**
 * The routes from either the `routes` YAML list or the single-route shorthand (route-path,
 * route-methods, function-id). Every problem names the input, the item and the field, because the
 * API would otherwise answer with a 400 about `specification.routes[3]` of a merged document.
 */
export function readRoutes(inputs: {
  routes?: string | undefined;
  routePath?: string | undefined;
  routeMethods?: string | undefined;
  functionId?: string | undefined;
}): DesiredRoute[] {
  if (inputs.routes !== undefined) {
    if (inputs.routePath !== undefined || inputs.functionId !== undefined) {
      throw new UserError(
        "routes cannot be combined with route-path or function-id: put every route in routes, or use the shorthand alone.",
      );
    }
    return checkDistinct(parseRoutesYaml(inputs.routes), "routes");
  }
  if (inputs.functionId === undefined) {
    throw new UserError(
      "function-id is required: set function-id (with route-path and route-methods), or list the routes in routes.",
    );
  }
  return [{ ...readRouteShorthand(inputs), functionId: checkFunctionId(inputs.functionId, "function-id") }];
}

/**
 * The single route's path and methods (route-path, route-methods). On their own for the pipeline,
 * which checks them before fn-deploy has made the function the route will call.
 */
export function readRouteShorthand(inputs: {
  routePath?: string | undefined;
  routeMethods?: string | undefined;
}): Omit<DesiredRoute, "functionId"> {
  return {
    path: checkRoutePath(inputs.routePath ?? "/", "route-path"),
    methods: readMethods(inputs.routeMethods ?? "GET", "route-methods"),
  };
}

function parseRoutesYaml(text: string): DesiredRoute[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new UserError(`routes is not valid YAML: ${describeError(error)}`);
  }
  if (!Array.isArray(document) || document.length === 0) {
    throw new UserError(
      // One line, as every refusal (the runner shows an error annotation's first line in the summary).
      'routes must be a YAML list of routes, one item per route with path, methods and function-id, such as "- {path: /hello, methods: [GET, POST], function-id: ocid1.fnfunc.oc1…}".',
    );
  }
  return document.map((item: unknown, index) => {
    const where = `routes item ${index + 1}`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new UserError(`${where} must be a mapping with path, methods and function-id.`);
    }
    const fields = item as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!["path", "methods", "function-id"].includes(key)) {
        throw new UserError(
          `${where} has an unknown field ${JSON.stringify(key)}: use path, methods and function-id.`,
        );
      }
    }
    const path = fields.path;
    if (typeof path !== "string" || path === "")
      throw new UserError(`${where}: path is required (a string such as /hello).`);
    const functionId = fields["function-id"];
    if (typeof functionId !== "string" || functionId === "") {
      throw new UserError(`${where}: function-id is required (the function's OCID).`);
    }
    const methods = fields.methods ?? "GET";
    if (typeof methods !== "string" && !Array.isArray(methods)) {
      throw new UserError(`${where}: methods must be a list (or a comma-separated string) of HTTP methods.`);
    }
    return {
      path: checkRoutePath(path, `${where}: path`),
      methods: readMethods(methods, `${where}: methods`),
      functionId: checkFunctionId(functionId, `${where}: function-id`),
    };
  });
}

/** Methods as a list or a comma/space-separated string; case-insensitive. */
export function readMethods(value: string | readonly unknown[], where: string): string[] {
  const list = typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : [...value];
  if (list.length === 0) throw new UserError(`${where} must name at least one HTTP method.`);
  const methods = list.map((entry) => {
    const method = typeof entry === "string" ? entry.trim().toUpperCase() : "";
    if (!(ROUTE_METHODS as readonly string[]).includes(method)) {
      throw new UserError(
        `${where}: ${JSON.stringify(entry)} is not a method API Gateway routes accept; use ${ROUTE_METHODS.join(", ")}.`,
      );
    }
    return method;
  });
  return [...new Set(methods)].sort();
}

export function checkRoutePath(path: string, where: string): string {
  const value = path.trim();
  if (!value.startsWith("/")) {
    throw new UserError(`${where} ${JSON.stringify(value)} must start with "/" (for example /hello).`);
  }
  if (value === "/") return value;
  const segments = value.slice(1).split("/");
  for (const [index, segment] of segments.entries()) {
    const param = PARAM_SEGMENT.test(segment);
    if (!param && !LITERAL_SEGMENT.test(segment)) {
      throw new UserError(
        `${where} ${JSON.stringify(value)} has an invalid segment ${JSON.stringify(segment)}.`,
      );
    }
    if (param && segment.endsWith("*}") && index !== segments.length - 1) {
      throw new UserError(`${where} ${JSON.stringify(value)}: a {name*} parameter must be the last segment.`);
    }
  }
  return value;
}

export function checkPathPrefix(prefix: string): string {
  const value = prefix.trim();
  if (!value.startsWith("/")) {
    throw new UserError(`path-prefix ${JSON.stringify(value)} must start with "/" (for example /v1).`);
  }
  if (value !== "/" && value.endsWith("/")) {
    throw new UserError(`path-prefix ${JSON.stringify(value)} must not end with "/".`);
  }
  if (
    value !== "/" &&
    !value
      .slice(1)
      .split("/")
      .every((segment) => LITERAL_SEGMENT.test(segment))
  ) {
    throw new UserError(
      `path-prefix ${JSON.stringify(value)} may hold only literal path segments (no {parameters}).`,
    );
  }
  return value;
}

function checkFunctionId(value: string, where: string): string {
  const trimmed = value.trim();
  if (parseOcid(trimmed)?.resourceType !== "fnfunc") {
    throw new UserError(
      `${where} must be a function OCID (ocid1.fnfunc.…); got ${JSON.stringify(trimmed.slice(0, 40))}.`,
    );
  }
  return trimmed;
}

/** Two items for the same path and an overlapping method would be refused by OCI as a whole. */
function checkDistinct(routes: DesiredRoute[], input: string): DesiredRoute[] {
  const seen = new Map<string, number>();
  for (const [index, route] of routes.entries()) {
    for (const method of route.methods) {
      const key = `${method} ${routeShape(route.path)}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        throw new UserError(
          `${input} item ${index + 1} repeats ${method} ${route.path} of item ${earlier + 1}.`,
        );
      }
      seen.set(key, index);
    }
  }
  return routes;
}

/** A path with its parameter names erased: /a/{x} and /a/{y} are the same route to the gateway. */
export function routeShape(path: string): string {
  return path.replace(/\{[^}/]*?(\*?)\}/g, "{$1}");
}
