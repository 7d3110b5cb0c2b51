// The Alibaba Cloud emulator: one HTTPS base URL (FNGATE_ALIBABA_ENDPOINT) serving Function Compute
// 3.0 (/2023-03-30/...), STS and RAM GetRole (POST / with Action=..., told apart by Version) and an
// OSS-like PUT (/<bucket>/<object>).
// The real @alicloud SDKs talk to it. FC calls must carry a valid ACS3-HMAC-SHA256 signature by a
// registered AccessKey or by unexpired STS credentials with their x-acs-security-token.

import type { IncomingMessage, ServerResponse } from "node:http";
import { FaultQueue } from "../faults.ts";
import { closeServer, readBody, serveHttpsOnLoopback } from "../http/loopback-server.ts";
import type { Json } from "../json.ts";
import type { TlsMaterial } from "../tls/test-ca.ts";
import { parseAcs3Authorization, verifyAcs3 } from "./acs3-signature.ts";
import { AcsError, acs } from "./errors.ts";
import { type FcAnswer, FcApi, fcOperation } from "./fc-api.ts";
import { CLEANUP_MUTATING, cleanupOperation, handleCleanup } from "./fc-cleanup-api.ts";
import { handleTrigger, TRIGGER_MUTATING, triggerOperation } from "./fc-triggers.ts";
import { handleVersionCall, VERSION_MUTATING, versionOperation } from "./fc-versions.ts";
import { isHttpTriggerPath, serveHttpTrigger } from "./http-trigger-endpoint.ts";
import { ossPut } from "./oss.ts";
import { handleRam, RAM_VERSION } from "./ram.ts";
import { AlibabaState, type Principal } from "./state.ts";
import { StsService } from "./sts.ts";

export interface AlibabaEmulatorOptions {
  tls: TlsMaterial;
  now?: () => Date;
  accountId?: string;
  region?: string;
  /** How long a created or updated function stays Pending/InProgress; default 50 ms. */
  activeDelayMs?: number;
}

export interface AlibabaRequestLogEntry {
  method: string;
  path: string;
  operation: string;
  status: number;
  code?: string;
  accessKeyId?: string;
}

const MUTATING = new Set([
  "CreateFunction",
  "UpdateFunction",
  ...CLEANUP_MUTATING,
  ...TRIGGER_MUTATING,
  ...VERSION_MUTATING,
]);

export function isMutatingFcCall(entry: AlibabaRequestLogEntry): boolean {
  return MUTATING.has(entry.operation);
}

export interface AlibabaEmulator {
  url: string;
  state: AlibabaState;
  requests: AlibabaRequestLogEntry[];
  /** Injected faults, aimed at FC operations; a request meets them after its signature checked out. */
  faults: FaultQueue<string, string>;
  /** How long functions created or updated from now on stay Pending/InProgress. */
  setActiveDelay(ms: number): void;
  close(): Promise<void>;
}

const MAX_BODY = 150 * 1024 * 1024;

export async function startAlibabaEmulator(options: AlibabaEmulatorOptions): Promise<AlibabaEmulator> {
  const now = options.now ?? (() => new Date());
  const state = new AlibabaState(options.accountId ?? "1234567890123456", options.region ?? "cn-hangzhou");
  const sts = new StsService(state, options.tls.caPem);
  const fcOptions = {
    state,
    sts,
    caFile: options.tls.caFile,
    activeDelayMs: options.activeDelayMs ?? 50,
    now,
  };
  const fc = new FcApi(fcOptions);
  const requests: AlibabaRequestLogEntry[] = [];
  const faults = new FaultQueue<string, string>(
    (operation, wanted) => wanted === undefined || operation === wanted,
  );
  /** This server's own URL, for the HTTP triggers' URLs; known once it listens. */
  let baseUrl = "";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(
      req,
      MAX_BODY,
      () => new AcsError(413, "EntityTooLarge", "request body too large"),
    );
    const target = req.url ?? "/";
    const url = new URL(target, "https://emulator.invalid");
    const method = req.method ?? "GET";
    const entry: AlibabaRequestLogEntry = { method, path: url.pathname, operation: "unknown", status: 0 };
    requests.push(entry);
    const answer = (status: number, payload: Buffer | Json, headers: Record<string, string> = {}) => {
      entry.status = status;
      const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
      res.writeHead(status, {
        "content-type": Buffer.isBuffer(payload) ? "application/octet-stream" : "application/json",
        "content-length": String(bytes.length),
        ...headers,
      });
      res.end(bytes);
    };
    try {
      if (isHttpTriggerPath(url.pathname)) {
        entry.operation = "HttpTrigger";
        const invoke = (name: string, event: Buffer, qualifier: string) =>
          fc.handle("InvokeFunction", name, event, TRIGGER_CALLER, qualifier);
        const result = await serveHttpTrigger(state, invoke, req, url, body, now());
        return answer(result.status, result.body, result.headers);
      }
      const deployCall = fcOperation(method, url.pathname);
      const triggerCall = deployCall ? undefined : triggerOperation(method, url.pathname);
      const versionCall = deployCall || triggerCall ? undefined : versionOperation(method, url.pathname);
      const cleanupCall =
        deployCall || triggerCall || versionCall ? undefined : cleanupOperation(method, url.pathname);
      const fcCall = deployCall ?? triggerCall ?? versionCall ?? cleanupCall;
      if (url.pathname.startsWith("/2023-03-30/")) {
        if (!fcCall) throw acs.notFound(url.pathname);
        entry.operation = fcCall.operation;
        const caller = authenticate(req, target, body, entry);
        if (req.headers["x-acs-action"] !== fcCall.operation || req.headers["x-acs-version"] !== "2023-03-30")
          throw acs.invalidArgument(`x-acs-action/x-acs-version do not match ${fcCall.operation} 2023-03-30`);
        const fault = faults.take(fcCall.operation);
        if (fault?.status !== undefined) {
          const code = fault.code ?? "InternalError";
          throw new AcsError(fault.status, code, `injected ${fault.status} ${code}`);
        }
        const result: FcAnswer = triggerCall
          ? { status: 200, body: handleTrigger(state, triggerCall, body, baseUrl, now()) }
          : versionCall
            ? { status: 200, body: handleVersionCall(state, versionCall, body, now()) }
            : cleanupCall
              ? handleCleanup(state, cleanupCall, url.searchParams)
              : await fc.handle(
                  fcCall.operation,
                  fcCall.name,
                  body,
                  caller,
                  url.searchParams.get("qualifier") ?? "LATEST",
                );
        return answer(result.status, result.body, result.headers);
      }
      if (url.pathname === "/" && (method === "POST" || method === "GET")) {
        const params = new URLSearchParams(url.search);
        if (String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
          for (const [key, value] of new URLSearchParams(body.toString("utf8"))) params.set(key, value);
        }
        const signed = req.headers.authorization !== undefined;
        const action = params.get("Action") ?? header(req, "x-acs-action");
        const version = params.get("Version") ?? header(req, "x-acs-version");
        entry.operation = `${version === RAM_VERSION ? "RAM" : "STS"}:${action ?? "?"}`;
        // Anonymous RPC calls (AssumeRoleWithOIDC) carry no signature; signed ones are checked first.
        const caller = signed ? authenticate(req, target, body, entry) : undefined;
        if (version === RAM_VERSION) return answer(200, handleRam(state, params, action, caller));
        return answer(
          200,
          await sts.handle(params, { action, version, ...(caller ? { caller } : {}) }, now()),
        );
      }
      if (method === "PUT") {
        entry.operation = "OSS:PutObject";
        const result = ossPut(state, url.pathname, req.headers, body, now());
        entry.status = result.status;
        res.writeHead(result.status, result.headers);
        res.end(result.body);
        return;
      }
      throw acs.notFound(url.pathname);
    } catch (error) {
      if (error instanceof AcsError) {
        entry.code = error.code;
        return answer(error.status, {
          Code: error.code,
          Message: error.message,
          RequestId: state.requestId(),
        });
      }
      console.error("alibaba emulator: internal error", error);
      entry.code = "InternalError";
      return answer(500, {
        Code: "InternalError",
        Message: "The request processing has failed due to some unknown error.",
        RequestId: state.requestId(),
      });
    }
  }

  /** The identity behind a signed FC request; throws Alibaba's error when the signature or token is bad. */
  function authenticate(
    req: IncomingMessage,
    target: string,
    body: Buffer,
    entry: AlibabaRequestLogEntry,
  ): Principal {
    const credential = parseAcs3Authorization(req.headers);
    entry.accessKeyId = credential.accessKeyId;
    const token = req.headers["x-acs-security-token"];
    const request = { method: req.method ?? "GET", target, headers: req.headers, body };
    const accessKey = state.accessKeys.get(credential.accessKeyId);
    if (accessKey) {
      if (token) throw acs.tokenMismatch();
      verifyAcs3(request, credential, accessKey.secret, now(), state.seenNonces);
      return accessKey.principal;
    }
    const sts = state.stsCredentials.get(credential.accessKeyId);
    if (!sts) throw acs.accessKeyNotFound(credential.accessKeyId);
    if (token !== sts.securityToken || !credential.signedHeaders.includes("x-acs-security-token"))
      throw acs.tokenMismatch();
    if (sts.expiration.getTime() <= now().getTime()) throw acs.tokenExpired();
    verifyAcs3(request, credential, sts.accessKeySecret, now(), state.seenNonces);
    const role = state.roles.get(sts.roleArn);
    return { name: sts.roleArn, canPassRole: role?.canPassRole ?? false, sessionName: sts.sessionName };
  }

  const { server, url } = await serveHttpsOnLoopback(options.tls, "alibaba emulator", handle);
  baseUrl = url.replace(/\/$/, "");
  return {
    url,
    state,
    requests,
    faults,
    setActiveDelay: (ms) => {
      fcOptions.activeDelayMs = ms;
    },
    close: () => closeServer(server),
  };
}

/** Who an HTTP trigger's invocation runs as: no one (InvokeFunction does not look at its caller). */
const TRIGGER_CALLER: Principal = { name: "http-trigger", canPassRole: false };

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}
