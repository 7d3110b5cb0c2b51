// Request dispatch for the Entra emulator: discovery documents, JWKS and the token endpoint, each
// answered in Entra's shapes (errors as AADSTS JSON with x-ms-request-id), and logged.
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../http/loopback-server.ts";
import type { Directory } from "./directory.ts";
import { AadError, aad, aadErrorBody, newTraceId } from "./errors.ts";
import { type EntraEndpointKind, type EntraFaults, faultError } from "./faults.ts";
import type { FederatedVerifier } from "./federated-verifier.ts";
import { openIdConfigurationV1, openIdConfigurationV2 } from "./metadata.ts";
import type { SigningKeys } from "./signing-keys.ts";
import { handleTokenRequest } from "./token-endpoint.ts";

export interface EntraRequestLogEntry {
  time: string;
  method: string;
  path: string;
  status: number;
  /** The AADSTS number of a failed request. */
  aadsts?: number;
  clientId?: string;
  /** Set when fault injection answered instead of the endpoint. */
  injectedFault?: string;
}

export interface EntraContext {
  directory: Directory;
  keys: SigningKeys;
  federated: FederatedVerifier;
  baseUrl: string;
  lifetimeSeconds: number;
  now: () => Date;
  requests: EntraRequestLogEntry[];
  faults: EntraFaults;
}

const MAX_FORM_BYTES = 64 * 1024;

export async function handleEntraRequest(
  req: IncomingMessage,
  res: ServerResponse,
  context: EntraContext,
): Promise<void> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", context.baseUrl);
  const path = url.pathname;
  const traceId = newTraceId();
  const correlationId = headerString(req.headers["client-request-id"]) ?? newTraceId();
  let status = 200;
  let body: unknown;
  let aadsts: number | undefined;
  let clientId: string | undefined;
  let injectedFault: string | undefined;
  let retryAfter: number | undefined;
  try {
    const raw = (await readBody(req, MAX_FORM_BYTES, aad.malformed)).toString("utf8");
    const match = /^\/([^/]+)\/(.+)$/.exec(path);
    const tenant = match?.[1] ?? "";
    const rest = match?.[2] ?? "";
    const kind = endpointKind(rest);
    const fault = kind ? context.faults.take(kind) : undefined;
    if (fault) {
      injectedFault = fault.reset ? "reset" : String(fault.status ?? `delay ${fault.delayMs ?? 0} ms`);
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.reset) {
        context.requests.push({ time: context.now().toISOString(), method, path, status: 0, injectedFault });
        res.destroy();
        return;
      }
      retryAfter = fault.retryAfter;
      if (fault.status !== undefined) throw faultError(fault.status);
    }
    if (rest === "oauth2/v2.0/token") {
      if (method !== "POST") throw aad.postOnly(method);
      const form = isForm(req.headers["content-type"]) ? new URLSearchParams(raw) : new URLSearchParams();
      clientId = form.get("client_id") ?? undefined;
      body = await handleTokenRequest({
        tenant,
        form,
        directory: context.directory,
        keys: context.keys,
        federated: context.federated,
        baseUrl: context.baseUrl,
        lifetimeSeconds: context.lifetimeSeconds,
        now: context.now(),
      });
    } else if (method !== "GET") {
      status = 405;
      body = { error: "method_not_allowed" };
    } else if (rest === "v2.0/.well-known/openid-configuration") {
      body = openIdConfigurationV2(context.baseUrl, knownTenant(context, tenant));
    } else if (rest === ".well-known/openid-configuration") {
      body = openIdConfigurationV1(context.baseUrl, knownTenant(context, tenant));
    } else if (rest === "discovery/v2.0/keys") {
      // Tenant-specific v2 keys name their issuer; the keys themselves are the same for every tenant.
      const tenantId = tenant === "common" ? "{tenantid}" : knownTenant(context, tenant);
      body = context.keys.jwks({ issuer: `https://login.microsoftonline.com/${tenantId}/v2.0` });
    } else if (rest === "discovery/keys") {
      if (tenant !== "common") knownTenant(context, tenant);
      body = context.keys.jwks();
    } else {
      status = 404;
      body = undefined;
    }
  } catch (error) {
    const failure = error instanceof AadError ? error : undefined;
    if (!failure) console.error("entra emulator: handler failed", error);
    const answer = failure ?? new AadError(500, "server_error", 90033, "A transient error has occurred.");
    status = answer.status;
    aadsts = answer.aadsts;
    body = aadErrorBody(answer, context.now(), correlationId, traceId);
  }

  context.requests.push({
    time: context.now().toISOString(),
    method,
    path,
    status,
    ...(aadsts === undefined ? {} : { aadsts }),
    ...(clientId === undefined ? {} : { clientId }),
    ...(injectedFault === undefined ? {} : { injectedFault }),
  });
  const payload = Buffer.from(body === undefined ? "" : JSON.stringify(body), "utf8");
  res.writeHead(status, {
    "x-ms-request-id": traceId,
    "client-request-id": correlationId,
    "cache-control": "no-store, no-cache",
    ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
    ...(retryAfter === undefined ? {} : { "retry-after": String(retryAfter) }),
    "content-length": String(payload.length),
  });
  res.end(payload);
}

function endpointKind(rest: string): EntraEndpointKind | undefined {
  if (rest === "oauth2/v2.0/token") return "token";
  if (rest.endsWith(".well-known/openid-configuration")) return "discovery";
  if (rest.endsWith("keys")) return "keys";
  return undefined;
}

function knownTenant(context: EntraContext, tenant: string): string {
  const found = context.directory.tenant(tenant);
  if (!found) throw aad.tenantNotFound(tenant);
  return found.id;
}

function isForm(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded";
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
