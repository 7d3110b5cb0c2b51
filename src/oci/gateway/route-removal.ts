import { asJson, type Json, methodsOf } from "./gateway-spec.ts";

export interface RouteRemoval {
  /** The specification without the removed routes (the same object when nothing was removed). */
  specification: Json;
  /** "GET,POST /path" of each route removed. */
  removed: string[];
  /** Dynamic routes that send only part of their traffic to the functions: left in place. */
  mixed: string[];
  /** Routes that stay. */
  remaining: number;
}

/**
 * A deployment's specification without the routes whose backend is one of `functionIds` (functions a
 * teardown deletes): a function backend to one of them, or a dynamic routing backend whose every
 * target is one of them. A dynamic route that also reaches other backends is not ours to cut up.
 */
export function withoutRoutesTo(specification: Json, functionIds: ReadonlySet<string>): RouteRemoval {
  const routes = Array.isArray(specification.routes) ? (specification.routes as unknown[]) : [];
  const kept: unknown[] = [];
  const removed: string[] = [];
  const mixed: string[] = [];
  for (const route of routes) {
    const json = asJson(route);
    const targets = json ? functionTargets(asJson(json.backend)) : { ours: 0, others: 0 };
    if (json && targets.ours > 0 && targets.others === 0) {
      removed.push(describeRoute(json));
      continue;
    }
    if (json && targets.ours > 0) mixed.push(describeRoute(json));
    kept.push(route);
  }
  return {
    specification: removed.length > 0 ? { ...specification, routes: kept } : specification,
    removed,
    mixed,
    remaining: kept.length,
  };

  function functionTargets(backend: Json | undefined): { ours: number; others: number } {
    if (backend?.type === "ORACLE_FUNCTIONS_BACKEND") {
      return functionIds.has(String(backend.functionId)) ? { ours: 1, others: 0 } : { ours: 0, others: 1 };
    }
    if (backend?.type === "DYNAMIC_ROUTING_BACKEND" && Array.isArray(backend.routingBackends)) {
      const count = { ours: 0, others: 0 };
      for (const entry of backend.routingBackends) {
        const inner = functionTargets(asJson(asJson(entry)?.backend));
        count.ours += inner.ours;
        count.others += inner.others;
      }
      return count;
    }
    return { ours: 0, others: 1 };
  }
}

function describeRoute(route: Json): string {
  return `${methodsOf(route).join(",")} ${String(route.path ?? "/")}`;
}
