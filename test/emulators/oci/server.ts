// The OCI emulator: one HTTPS endpoint on loopback that serves every OCI API the suite calls
// (the FNGATE_OCI_ENDPOINT contract). Real oci-sdk clients point their `endpoint` at it. Each
// request is read whole, routed, signature-checked like OCI does, answered in OCI's shapes, and
// logged.

import type { IncomingMessage, ServerResponse } from "node:http";
import { closeServer, readBody, serveHttpsOnLoopback } from "../http/loopback-server.ts";
import { RegistryClient, type RegistryCredentials } from "../registry/registry-client.ts";
import type { TlsMaterial } from "../tls/test-ca.ts";
import type { ApiGatewayTimings } from "./apigateway-store.ts";
import { parseAuthorizationHeader } from "./authorization-header.ts";
import {
  internalError,
  invalidParameter,
  methodNotAllowed,
  notAuthenticated,
  notAuthorizedOrNotFound,
  OciHttpError,
  routeNotFound,
} from "./errors.ts";
import { faultError, type OciFaults, ociFaults } from "./faults.ts";
import { FunctionRunner } from "./fn-runtime/function-runner.ts";
import type { Caller } from "./key-id.ts";
import { newRequestId } from "./ocid.ts";
import { RegistryTokenService, type TokenRegistry } from "./registry-tokens.ts";
import type { RequestLogEntry } from "./request-log.ts";
import { type RouteDefinition, type RouteResponse, Router } from "./router.ts";
import { callFunction } from "./routes/functions-invoke.ts";
import { allRoutes } from "./routes/index.ts";
import type { OciRuntime } from "./runtime.ts";
import { verifyRequestSignature } from "./signature.ts";
import { OciState } from "./state.ts";

export interface OciEmulatorOptions {
  tls: TlsMaterial;
  /** The emulator's clock, for creation times and the signature date window (simulate skew). */
  now?: () => Date;
  /** How long created/updated functions stay CREATING/UPDATING (emulator clock); default 50 ms. */
  functionActiveDelayMs?: number;
  /** The real registry holding function images; without one every invoke fails to pull. */
  registry?: RegistryCredentials;
  /** API Gateway work request and propagation delays (emulator clock); see ApiGatewayStore. */
  apiGateway?: Partial<ApiGatewayTimings>;
}

/** A function call as the API Gateway data plane makes it (headers already Fn-shaped). */
export interface FunctionCall {
  body: Buffer;
  headers: Record<string, string>;
}

export interface OciEmulator {
  /** https://127.0.0.1:<port>, the base URL for every OCI client. */
  url: string;
  state: OciState;
  /** The emulator clock. */
  now: () => Date;
  /** Requests in arrival order. */
  requests: RequestLogEntry[];
  /** Makes upcoming calls fail (429, 5xx) before they reach their handler. */
  faults: OciFaults;
  /** Points invoke and digest pinning at a registry started after the emulator. */
  setRegistry(registry: RegistryCredentials | undefined): void;
  /** OCIR's token endpoint (/20180419/docker/token): login tokens, and the realm of a token-auth registry. */
  registryTokens: RegistryTokenService;
  /**
   * Makes the emulator the token realm of a registry in token-auth mode (see
   * test/emulators/registry/token-registry.ts) and points invoke and digest pinning at it, pulling
   * with the Functions service's own tokens.
   */
  useTokenRegistry(registry: (TokenRegistry & { url: string }) | undefined): void;
  /** What a function's process printed (stdout and stderr, last 64 KB). */
  functionLogs(functionId: string): string;
  /**
   * Calls a function the way the API Gateway's function backend does: no signature, same
   * runtime as invoke. Throws OciHttpError (502/504/409/404) as invoke would answer.
   */
  invokeFunction(functionId: string, call: FunctionCall): Promise<RouteResponse>;
  /** Stops the server and every function process. */
  close(): Promise<void>;
}

// Large enough for any JSON body and small artifacts; a guard against runaway uploads in tests.
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export async function startOciEmulator(options: OciEmulatorOptions): Promise<OciEmulator> {
  const now = options.now ?? (() => new Date());
  const state = new OciState(now, options);
  const requests: RequestLogEntry[] = [];
  const faults = ociFaults();
  const registryTokens = new RegistryTokenService(state, now);
  const runtime: OciRuntime = {
    baseUrl: "",
    registryTokens,
    registry: options.registry ? new RegistryClient(options.registry) : undefined,
    runner: new FunctionRunner(),
  };
  const router = new Router();
  for (const route of allRoutes) router.add(route);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const opcRequestId = newRequestId(headerString(req.headers["opc-request-id"]));
    const method = req.method ?? "GET";
    const target = req.url ?? "/";
    let route: RouteDefinition | undefined;
    let authFailure: string | undefined;
    let injectedFault: string | undefined;
    let response: RouteResponse;
    const log = (status: number) =>
      requests.push({
        time: now().toISOString(),
        method,
        target,
        operation: route?.operation,
        status,
        keyId: keyIdOf(req.headers.authorization),
        authFailure,
        injectedFault,
        opcRequestId,
      });
    try {
      const body = await readBody(req, MAX_BODY_BYTES, () =>
        invalidParameter(`The request body exceeds ${MAX_BODY_BYTES} bytes.`),
      );
      const queryStart = target.indexOf("?");
      const path = queryStart < 0 ? target : target.slice(0, queryStart);
      const query = new URLSearchParams(queryStart < 0 ? "" : target.slice(queryStart + 1));
      const match = matchRoute(router, method, path);
      route = match.kind === "found" ? match.route : undefined;

      // Authenticate before revealing whether a route exists, as OCI does.
      let caller: Caller | undefined;
      // OCIR's token endpoint is also a registry realm: Basic credentials there are checked by the route.
      const basicAtRealm =
        route?.auth === "signed-or-basic" && /^Basic\s/i.test(String(req.headers.authorization ?? ""));
      if (route?.auth !== "none" && !basicAtRealm) {
        const verification = verifyRequestSignature(
          { method, target, headers: req.headers, body },
          { state, now, bodyMustBeSigned: route?.bodyMustBeSigned ?? true },
        );
        if (!verification.ok) {
          authFailure = verification.reason;
          throw notAuthenticated(verification.reason);
        }
        caller = verification.caller;
      }
      if (match.kind === "not-found") throw routeNotFound(method, path);
      if (match.kind === "method-not-allowed") throw methodNotAllowed(method, match.allowed);
      // Faults hit authenticated calls only, like OCI's throttling: a bad signature stays a 401.
      if (match.route.auth !== "none") {
        const fault = faults.take({
          method,
          path,
          operation: match.route.operation,
          plane: match.route.plane ?? "control",
        });
        if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fault?.reset) {
          // A dropped connection: logged, then the socket closes without an answer.
          injectedFault = "reset";
          log(0);
          req.socket.destroy();
          return;
        }
        if (fault?.status !== undefined) {
          const error = faultError(fault.status, fault);
          injectedFault = `${error.status} ${error.code}`;
          throw error;
        }
      }
      response = await match.route.handler({
        method,
        params: match.params,
        query,
        headers: req.headers,
        body,
        caller,
        state,
        runtime,
        now,
      });
    } catch (error) {
      const failure = error instanceof OciHttpError ? error : internalError();
      if (!(error instanceof OciHttpError)) console.error("oci emulator: handler failed", error);
      response = {
        status: failure.status,
        body: { code: failure.code, message: failure.message },
        headers: failure.headers,
      };
    }

    // Logged before answering, so a client that has its response always finds its entry.
    log(response.status);

    const payload = Buffer.isBuffer(response.body)
      ? response.body
      : Buffer.from(response.body === undefined ? "" : JSON.stringify(response.body), "utf8");
    res.writeHead(response.status, {
      "opc-request-id": opcRequestId,
      ...(Buffer.isBuffer(response.body) || response.body === undefined
        ? {}
        : { "content-type": "application/json" }),
      "content-length": String(payload.length),
      ...response.headers,
    });
    res.end(payload);
  }

  const { server, url } = await serveHttpsOnLoopback(options.tls, "oci emulator", handle);
  runtime.baseUrl = url;

  return {
    url: runtime.baseUrl,
    state,
    now,
    requests,
    faults,
    setRegistry: (registry) => {
      runtime.registry = registry ? new RegistryClient(registry) : undefined;
    },
    registryTokens,
    useTokenRegistry: (registry) => {
      registryTokens.useRegistry(registry);
      runtime.registry = registry
        ? new RegistryClient({
            url: registry.url,
            mintToken: (scope, service) => registryTokens.servicePullToken(scope, service),
          })
        : undefined;
    },
    functionLogs: (functionId) => runtime.runner.logs(functionId),
    invokeFunction: async (functionId, call) => {
      const fn = state.fn.functions.get(functionId);
      if (!fn) throw notAuthorizedOrNotFound();
      return callFunction(state, runtime, fn, call);
    },
    close: async () => {
      await Promise.all([closeServer(server), runtime.runner.close()]);
    },
  };
}

function matchRoute(router: Router, method: string, path: string): ReturnType<Router["match"]> {
  try {
    return router.match(method, path);
  } catch (error) {
    if (error instanceof URIError) throw invalidParameter("The request path is not valid percent-encoding.");
    throw error;
  }
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function keyIdOf(authorization: string | undefined): string | undefined {
  const parsed = parseAuthorizationHeader(authorization);
  if (parsed.ok) return parsed.params.keyId;
  return /keyId="([^"]*)"/.exec(authorization ?? "")?.[1];
}
