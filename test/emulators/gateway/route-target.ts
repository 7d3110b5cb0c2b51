// Which gateway, deployment and route a data-plane request is for. A gateway is named either by
// the Host header (its real hostname, for clients that resolve it: curl --resolve, a custom
// lookup) or, on loopback, by the first path segment: its hostname's first label. The second form
// is what deployment endpoints use, `https://127.0.0.1:<port>/<label>/<pathPrefix>`, so a plain
// fetch reaches them with no DNS or agent tricks (*.localhost does not resolve here).
// The longest matching pathPrefix wins; within a deployment, a route with more literal segments
// beats one with parameters, and a {name*} wildcard matches last.
import type { DeploymentRecord, GatewayRecord } from "../oci/apigateway-records.ts";
import type { ApiRoute, ApiSpec } from "../oci/apigateway-spec.ts";
import type { ApiGatewayStore } from "../oci/apigateway-store.ts";

export interface RouteTarget {
  gateway: GatewayRecord;
  deployment: DeploymentRecord;
  spec: ApiSpec;
  route: ApiRoute;
  /** Path parameters of the route, decoded. */
  params: Record<string, string>;
  /** The request path as the gateway host sees it (without the loopback label). */
  gatewayPath: string;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function gatewayOf(
  store: ApiGatewayStore,
  host: string | undefined,
  path: string,
): { gateway: GatewayRecord; gatewayPath: string } | undefined {
  const hostname = (host ?? "").replace(/:\d+$/, "").toLowerCase();
  const byHost = store.gatewayByHostname(hostname);
  if (byHost) return { gateway: byHost, gatewayPath: path };
  if (!LOOPBACK_HOSTS.has(hostname)) return undefined;
  const match = /^\/([a-z0-9]+)(\/.*)?$/.exec(path);
  const gateway = match?.[1] ? store.gatewayByLabel(match[1]) : undefined;
  return gateway ? { gateway, gatewayPath: match?.[2] ?? "/" } : undefined;
}

/** The route for `method gatewayPath` on the gateway, or why there is none. */
export function findRoute(
  store: ApiGatewayStore,
  gateway: GatewayRecord,
  method: string,
  gatewayPath: string,
): RouteTarget | undefined {
  let best: { deployment: DeploymentRecord; spec: ApiSpec; rest: string } | undefined;
  for (const deployment of store.deployments.values()) {
    if (deployment.gatewayId !== gateway.id) continue;
    const rest = remainder(deployment.pathPrefix, gatewayPath);
    if (rest === undefined) continue;
    if (best && best.deployment.pathPrefix.length >= deployment.pathPrefix.length) continue;
    const spec = store.servedSpec(deployment);
    if (spec) best = { deployment, spec, rest };
  }
  if (!best) return undefined;
  let segments: string[];
  try {
    segments = best.rest === "/" ? [] : best.rest.slice(1).split("/").map(decodeURIComponent);
  } catch {
    return undefined;
  }
  let chosen: { route: ApiRoute; params: Record<string, string>; score: number } | undefined;
  for (const route of best.spec.routes) {
    if (!route.methods.includes("ANY") && !route.methods.includes(method)) continue;
    const params = matchSegments(route, segments);
    if (!params) continue;
    const score = route.segments.reduce(
      (sum, segment) => sum + (segment.kind === "literal" ? 100 : segment.rest ? 0 : 1),
      0,
    );
    if (!chosen || score > chosen.score) chosen = { route, params, score };
  }
  if (!chosen) return undefined;
  return { gateway, ...best, route: chosen.route, params: chosen.params, gatewayPath };
}

function remainder(prefix: string, path: string): string | undefined {
  if (prefix === "/") return path;
  if (path === prefix) return "/";
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined;
}

function matchSegments(route: ApiRoute, segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, segment] of route.segments.entries()) {
    if (segment.kind === "param" && segment.rest) {
      params[segment.name] = segments.slice(index).join("/");
      return params;
    }
    const actual = segments[index];
    if (actual === undefined || actual === "") return undefined;
    if (segment.kind === "literal" && segment.value !== actual) return undefined;
    if (segment.kind === "param") params[segment.name] = actual;
  }
  return segments.length === route.segments.length ? params : undefined;
}
