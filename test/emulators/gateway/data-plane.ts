// The API Gateway data plane: one HTTPS server for every gateway the OCI emulator knows. It
// routes by the specification each ACTIVE deployment currently serves (see ApiGatewayStore:
// updates apply only after the propagation delay), enforces the authentication policy with
// jose against the remote JWKS, and answers from the route's backend. Deployment endpoints point
// here as https://127.0.0.1:<port>/<gateway label><pathPrefix> (see route-target.ts).

import type { IncomingMessage, ServerResponse } from "node:http";
import { closeServer, readBody, serveHttpsOnLoopback } from "../http/loopback-server.ts";
import { faultError } from "../oci/faults.ts";
import { newRequestId } from "../oci/ocid.ts";
import type { OciEmulator } from "../oci/server.ts";
import type { TlsMaterial } from "../tls/test-ca.ts";
import { trustCaInProcess } from "../tls/trust.ts";
import { callBackend, type GatewayResponse, gatewayError, printable } from "./backends.ts";
import { JwksCache } from "./jwks-cache.ts";
import { findRoute, gatewayOf } from "./route-target.ts";
import { authenticate } from "./token-auth.ts";

export interface GatewayDataPlaneOptions {
  tls: TlsMaterial;
  /** The OCI emulator whose deployments are served; its clock and faults apply here too. */
  oci: OciEmulator;
}

export interface GatewayRequestLogEntry {
  time: string;
  method: string;
  host: string | undefined;
  target: string;
  status: number;
  deploymentId: string | undefined;
  /** Why authentication or authorization failed, as in x-emulator-reason. */
  authFailure: string | undefined;
}

export interface GatewayDataPlane {
  /** https://127.0.0.1:<port>; deployment endpoints start with it. */
  url: string;
  requests: GatewayRequestLogEntry[];
  /** Drops cached JWKS, as a restarted gateway would. */
  jwks: JwksCache;
  close(): Promise<void>;
}

/**
 * Certificate names for clients that address gateways by hostname (Host-header routing): pass
 * to createTestCa / startEmulatorStack({ dnsNames }). Loopback endpoints need none of this.
 */
export const GATEWAY_CERT_DNS_NAMES = ["*.apigateway.us-phoenix-1.oci.customer-oci.com"] as const;

// OCI API Gateway accepts request bodies up to 20 MB.
const MAX_BODY_BYTES = 20 * 1024 * 1024;

export async function startGatewayDataPlane(options: GatewayDataPlaneOptions): Promise<GatewayDataPlane> {
  const { oci } = options;
  const store = oci.state.apigw;
  // jose fetches JWKS with Node's default CA list; issuers in the stack (the Entra emulator, test
  // issuers) use the stack's CA, which a real gateway would have in its trust store. Tests do
  // this themselves; `npm run emulators` relies on it here.
  trustCaInProcess(options.tls.caPem);
  const jwks = new JwksCache();
  const requests: GatewayRequestLogEntry[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const target = req.url ?? "/";
    const queryStart = target.indexOf("?");
    const path = queryStart < 0 ? target : target.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? "" : target.slice(queryStart + 1));
    const entry: GatewayRequestLogEntry = {
      time: oci.now().toISOString(),
      method,
      host: req.headers.host,
      target,
      status: 0,
      deploymentId: undefined,
      authFailure: undefined,
    };
    let response: GatewayResponse;
    try {
      const body = await readBody(
        req,
        MAX_BODY_BYTES,
        () => new Error(`request body over ${MAX_BODY_BYTES} bytes`),
      );
      response = await answer(req, method, path, query, body, entry);
    } catch (error) {
      console.error("gateway data plane: request failed", error);
      response = gatewayError(500, "Internal Server Error");
    }
    entry.status = response.status;
    requests.push(entry);
    res.writeHead(response.status, {
      ...response.headers,
      "opc-request-id": newRequestId(),
      "content-length": String(response.body.length),
    });
    res.end(method === "HEAD" ? undefined : response.body);
  }

  async function answer(
    req: IncomingMessage,
    method: string,
    path: string,
    query: URLSearchParams,
    body: Buffer,
    entry: GatewayRequestLogEntry,
  ): Promise<GatewayResponse> {
    const located = gatewayOf(store, req.headers.host, path);
    if (!located) return gatewayError(404, "Not Found");
    const target = findRoute(store, located.gateway, method, located.gatewayPath);
    if (!target) return gatewayError(404, "Not Found");
    entry.deploymentId = target.deployment.id;
    const fault = oci.faults.take({ method, path, operation: "GatewayRequest", plane: "data" });
    if (fault?.status !== undefined) {
      const error = faultError(fault.status, fault);
      return gatewayError(error.status, error.message, error.headers);
    }
    const policy = target.spec.authentication;
    if (policy) {
      const outcome = await authenticate(
        policy,
        target.route.authorization,
        { headers: req.headers, query, now: oci.now() },
        jwks,
      );
      if (!outcome.ok) {
        entry.authFailure = outcome.reason;
        const realm = `realm="${located.gateway.hostname}"`;
        const challenge = outcome.invalidToken ? `Bearer ${realm}, error="invalid_token"` : `Bearer ${realm}`;
        return gatewayError(outcome.status, outcome.status === 401 ? "Unauthorized" : "Forbidden", {
          ...(outcome.status === 401 ? { "www-authenticate": challenge } : {}),
          "x-emulator-reason": printable(outcome.reason),
        });
      }
    }
    const search = query.toString();
    return callBackend(
      target,
      { method, url: `${located.gatewayPath}${search ? `?${search}` : ""}`, headers: req.headers, body },
      oci,
    );
  }

  const { server, url } = await serveHttpsOnLoopback(options.tls, "gateway data plane", handle);
  store.dataPlaneUrl = url;

  return {
    url,
    requests,
    jwks,
    close: async () => {
      if (store.dataPlaneUrl === url) store.dataPlaneUrl = undefined;
      jwks.clear();
      await closeServer(server);
    },
  };
}
