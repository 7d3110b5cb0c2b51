// Maps method + path to a handler. Each service is a file under routes/ exporting a list of
// RouteDefinitions; routes/index.ts collects them, so adding Functions, Artifacts or API Gateway
// means adding one file and one line there.
import type { IncomingHttpHeaders } from "node:http";
import { etagOf } from "./etag.ts";
import type { Caller } from "./key-id.ts";
import type { OciRuntime } from "./runtime.ts";
import type { OciState } from "./state.ts";

export interface RouteContext {
  method: string;
  /** Decoded path parameters, e.g. { userId } for /20160918/users/{userId}. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The verified signer; undefined on unsigned (OAuth) routes. */
  caller: Caller | undefined;
  state: OciState;
  runtime: OciRuntime;
  now: () => Date;
}

export interface RouteResponse {
  status: number;
  /** Serialised as JSON unless it is already a Buffer. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDefinition {
  method: string;
  /** Segments like `{name}` match one segment. */
  pattern: string;
  /**
   * "signed" (default) goes through signature verification; "none" is for OAuth endpoints;
   * "signed-or-basic" verifies a signature unless the request carries Basic credentials, which the
   * handler checks itself (OCIR's token endpoint is also a registry realm).
   */
  auth?: "signed" | "none" | "signed-or-basic";
  /** False for streaming uploads, which OCI lets skip x-content-sha256 (see signature.ts). */
  bodyMustBeSigned?: boolean;
  /** "data" for function invocation; fault injection targets the "control" plane by default. */
  plane?: "control" | "data";
  /** Short operation name for the request log, e.g. "GetNamespace". */
  operation: string;
  handler: (context: RouteContext) => RouteResponse | Promise<RouteResponse>;
}

type RouteOptions = Pick<RouteDefinition, "auth" | "bodyMustBeSigned" | "plane">;

/** A service's routes as rows: [method, pattern, operation, handler, options?]. */
export function routeTable(
  rows: ReadonlyArray<[string, string, string, RouteDefinition["handler"], RouteOptions?]>,
): RouteDefinition[] {
  return rows.map(([method, pattern, operation, handler, options]) => ({
    method,
    pattern,
    operation,
    handler,
    ...options,
  }));
}

/** A 200 whose etag is derived from the body, as every OCI read answers. */
export function withEtag(body: unknown): RouteResponse {
  return { status: 200, body, headers: { etag: etagOf(body) } };
}

/** One list page as OCI answers it: the body, with opc-next-page unless it is the last page. */
export function pageResponse(body: unknown, nextPage: string | undefined): RouteResponse {
  return { status: 200, body, headers: nextPage ? { "opc-next-page": nextPage } : {} };
}

export type RouteMatch =
  | { kind: "found"; route: RouteDefinition; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

interface CompiledRoute {
  route: RouteDefinition;
  regex: RegExp;
  names: string[];
}

export class Router {
  readonly #routes: CompiledRoute[] = [];

  add(route: RouteDefinition): void {
    const names: string[] = [];
    const source = route.pattern
      .split("/")
      .map((segment) => {
        const param = /^\{([A-Za-z]+)\}$/.exec(segment);
        if (!param?.[1]) return escapeRegExp(segment);
        names.push(param[1]);
        return "([^/]+)";
      })
      .join("/");
    this.#routes.push({ route, regex: new RegExp(`^${source}$`), names });
  }

  /** `path` is the raw (still percent-encoded) path without the query string. */
  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const compiled of this.#routes) {
      const match = compiled.regex.exec(path);
      if (!match) continue;
      if (compiled.route.method !== method) {
        allowed.push(compiled.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (const [index, name] of compiled.names.entries()) {
        params[name] = decodeURIComponent(match[index + 1] ?? "");
      }
      return { kind: "found", route: compiled.route, params };
    }
    return allowed.length > 0 ? { kind: "method-not-allowed", allowed } : { kind: "not-found" };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
