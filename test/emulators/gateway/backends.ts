// What a matched route answers with. ORACLE_FUNCTIONS_BACKEND calls the function through the
// OCI emulator's invoke machinery (same FDK runner, same pull checks) with the Fn HTTP-gateway
// contract: Fn-Intent: httprequest, Fn-Http-Method, Fn-Http-Request-Url and Fn-Http-H-<header>
// in, Fn-Http-Status and Fn-Http-H-<header> out. STOCK_RESPONSE_BACKEND answers from the spec;
// HTTP_BACKEND forwards to its URL.

import type { IncomingHttpHeaders } from "node:http";
import { OciHttpError } from "../oci/errors.ts";
import type { OciEmulator } from "../oci/server.ts";
import { words } from "../word-list.ts";
import { functionAccessDenied } from "./function-access.ts";
import type { RouteTarget } from "./route-target.ts";

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface BackendRequest {
  method: string;
  /** Path and query as the gateway host sees them. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Transport headers that belong to one hop, never forwarded either way.
const HOP_BY_HOP = new Set(
  words(`connection keep-alive transfer-encoding te trailer upgrade content-length host`),
);

export function gatewayError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): GatewayResponse {
  // OCI API Gateway's own error body: {"code":<status>,"message":"<reason phrase>"}.
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: Buffer.from(JSON.stringify({ code: status, message })),
  };
}

export async function callBackend(
  target: RouteTarget,
  request: BackendRequest,
  oci: OciEmulator,
): Promise<GatewayResponse> {
  const { backend } = target.route;
  switch (backend.type) {
    case "STOCK_RESPONSE_BACKEND": {
      const headers: Record<string, string> = {};
      for (const [name, value] of backend.headers) headers[name.toLowerCase()] = value;
      return { status: backend.status, headers, body: Buffer.from(backend.body, "utf8") };
    }
    case "ORACLE_FUNCTIONS_BACKEND": {
      // The gateway calls the function as itself: without an IAM policy letting API gateways use
      // functions there, every call of the route is a 500 (see function-access.ts).
      const fn = oci.state.fn.functions.get(backend.functionId);
      const denied = fn && functionAccessDenied(oci.state, target.gateway, fn.compartmentId);
      if (denied)
        return gatewayError(500, "Internal Server Error", { "x-emulator-reason": printable(denied) });
      return callFunctionBackend(backend.functionId, request, oci);
    }
    case "HTTP_BACKEND":
      // OCI substitutes route path parameters written as ${request.path[name]} in the URL.
      return callHttpBackend(
        backend.url.replace(/\$\{request\.path\[([A-Za-z0-9_]+)\]\}/g, (_, name: string) =>
          encodeURI(target.params[name] ?? ""),
        ),
        request,
      );
  }
}

async function callFunctionBackend(
  functionId: string,
  request: BackendRequest,
  oci: OciEmulator,
): Promise<GatewayResponse> {
  const headers: Record<string, string> = {
    "fn-intent": "httprequest",
    "fn-invoke-type": "sync",
    "fn-http-method": request.method,
    "fn-http-request-url": request.url,
  };
  const contentType = single(request.headers["content-type"]);
  if (contentType) headers["content-type"] = contentType;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers[`fn-http-h-${name}`] = Array.isArray(value) ? value.join(", ") : value;
  }
  let response: Awaited<ReturnType<OciEmulator["invokeFunction"]>>;
  try {
    response = await oci.invokeFunction(functionId, { body: request.body, headers });
  } catch (error) {
    const reason =
      error instanceof OciHttpError ? `${error.status} ${error.code}: ${error.message}` : String(error);
    const timedOut = error instanceof OciHttpError && error.status === 504;
    return gatewayError(timedOut ? 504 : 502, timedOut ? "Gateway Timeout" : "Bad Gateway", {
      "x-emulator-reason": printable(reason),
    });
  }
  const out: Record<string, string> = {};
  let status = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (name === "fn-http-status") status = Number.parseInt(value, 10) || status;
    else if (name.startsWith("fn-http-h-")) out[name.slice("fn-http-h-".length)] = value;
    else if (name === "content-type") out[name] = value;
  }
  const body = Buffer.isBuffer(response.body)
    ? response.body
    : Buffer.from(JSON.stringify(response.body ?? ""));
  return { status, headers: out, body };
}

async function callHttpBackend(url: string, request: BackendRequest): Promise<GatewayResponse> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name))
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  try {
    const response = await fetch(url, {
      method: request.method,
      headers,
      ...(request.method === "GET" || request.method === "HEAD" ? {} : { body: request.body }),
      redirect: "manual",
    });
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name) && name !== "content-encoding") out[name] = value;
    });
    return { status: response.status, headers: out, body: Buffer.from(await response.arrayBuffer()) };
  } catch (error) {
    return gatewayError(502, "Bad Gateway", { "x-emulator-reason": printable(String(error)) });
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 500);
}
