// The URL of an FC 3.0 HTTP trigger (https://<id>.<region>.fcapp.run on Alibaba Cloud; here
// <emulator>/fc-http/<function>/<trigger>/<path>), with the trigger's authentication enforced before the
// function runs:
// - anonymous: anyone may call.
// - jwt: the token is read from the places TokenLookup lists, in order (header:<name>[:<prefix>],
//   cookie:<name>, query:<name>, form:<name>), and verified against the trigger's inline JWKS: signature
//   and exp/nbf; no token or a bad one is refused with 401 before the function runs
//   (https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/configure-jwt-authentication-for-an-http-trigger).
//   That page describes no issuer or audience check, so none is made here: any token signed by a key of
//   the JWKS gets in (with Entra's keys, any tenant's token for any app). The claims ClaimPassBy names
//   are forwarded to the function as headers or query parameters (the page's claim pass-through), set
//   by FC over whatever the caller sent under that name, so the function can check aud, iss or tid.
// - function (FC signature authentication) is not modelled: 501.
// A built-in runtime receives the request as the v1 event and its result is mapped back to HTTP
// (statusCode, headers, body, isBase64Encoded), or sent as a 200 body when it is anything else
// (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function).
// Custom runtimes and containers take the raw HTTP request (web functions), which this stand-in does not
// forward: 501.
import type { IncomingMessage } from "node:http";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import type { Json } from "../json.ts";
import { AcsError } from "./errors.ts";
import type { FcAnswer } from "./fc-api.ts";
import { checkHttpConfig, HTTP_TRIGGER_PREFIX } from "./fc-triggers.ts";
import type { AlibabaState } from "./state.ts";

export type InvokeFunction = (name: string, event: Buffer, qualifier: string) => Promise<FcAnswer>;

export function isHttpTriggerPath(path: string): boolean {
  return path.startsWith(`${HTTP_TRIGGER_PREFIX}/`);
}

export async function serveHttpTrigger(
  state: AlibabaState,
  invoke: InvokeFunction,
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  now: Date,
): Promise<FcAnswer> {
  const [, , functionPart = "", triggerPart = "", ...rest] = url.pathname.split("/");
  const functionName = decodeURIComponent(functionPart);
  const trigger = state.functionChildren.triggers.get(functionName)?.get(decodeURIComponent(triggerPart));
  const spec = state.functions.get(functionName);
  if (!trigger || !spec) throw new AcsError(404, "TriggerNotFound", "no HTTP trigger at this URL");
  const config = checkHttpConfig(trigger.triggerConfig);
  const method = req.method ?? "GET";
  if (!config.methods.includes(method))
    throw new AcsError(405, "MethodNotAllowed", `the trigger does not accept ${method}`);
  if (config.authType === "function")
    throw new AcsError(501, "NotImplemented", "the emulator does not model FC signature authentication");
  const passed =
    config.authType === "jwt" ? await checkJwt(config.authConfig ?? "{}", req, url, body, now) : undefined;
  const runtime = String(spec.body.runtime ?? "");
  if (runtime.startsWith("custom"))
    throw new AcsError(501, "NotImplemented", "the emulator maps HTTP requests for built-in runtimes only");
  const rawPath = `/${rest.join("/")}`;
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(req.headers).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.join(",") : (value ?? ""),
    ]),
  );
  const queryParameters = Object.fromEntries(url.searchParams);
  for (const [place, name, value] of passed ?? [])
    if (place === "header") headers[name.toLowerCase()] = value;
    else queryParameters[name] = value;
  const event = {
    version: "v1",
    rawPath,
    body: body.toString("base64"),
    isBase64Encoded: true,
    headers,
    queryParameters,
    requestContext: {
      accountId: state.accountId,
      domainName: url.host,
      domainPrefix: String(trigger.triggerId),
      http: {
        method,
        path: decodeURIComponent(rawPath),
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: String(req.headers["user-agent"] ?? ""),
      },
      requestId: state.requestId(),
      time: now.toISOString(),
      timeEpoch: String(now.getTime()),
    },
  };
  // The trigger runs the version or alias it is bound to (LATEST by default).
  const answer = await invoke(
    functionName,
    Buffer.from(JSON.stringify(event)),
    String(trigger.qualifier ?? "LATEST"),
  );
  if (answer.headers?.["x-fc-error-type"]) return { status: 502, body: answer.body, headers: answer.headers };
  return httpResponse(Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(JSON.stringify(answer.body)));
}

async function checkJwt(
  authConfig: string,
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  now: Date,
): Promise<[place: string, name: string, value: string][]> {
  const auth = JSON.parse(authConfig) as { JWKS: JSONWebKeySet; TokenLookup: string; ClaimPassBy?: string };
  const token = lookUpToken(auth.TokenLookup, req, url, body);
  if (!token) throw new AcsError(401, "InvalidToken", "no JWT found where the trigger's TokenLookup says");
  let claims: Record<string, unknown>;
  try {
    // No issuer or audience option: FC checks neither.
    ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(auth.JWKS), { currentDate: now }));
  } catch (error) {
    throw new AcsError(
      401,
      "InvalidToken",
      `the JWT was refused: ${(error as { code?: string }).code ?? "invalid"}`,
    );
  }
  const passed: [string, string, string][] = [];
  for (const entry of (auth.ClaimPassBy ?? "").split(",").filter(Boolean)) {
    const [place = "", claim = "", name = ""] = entry.trim().split(":");
    const value = claims[claim];
    if (value !== undefined)
      passed.push([place, name, typeof value === "string" ? value : JSON.stringify(value)]);
  }
  return passed;
}

function lookUpToken(lookup: string, req: IncomingMessage, url: URL, body: Buffer): string | undefined {
  for (const entry of lookup.split(",")) {
    const [place, name = "", prefix] = entry.trim().split(":");
    let value: string | undefined;
    if (place === "header") {
      const header = req.headers[name.toLowerCase()];
      value = typeof header === "string" ? header : undefined;
      if (value !== undefined && prefix !== undefined)
        value = value.startsWith(`${prefix} `) ? value.slice(prefix.length + 1).trim() : undefined;
    } else if (place === "cookie") {
      const cookies = String(req.headers.cookie ?? "")
        .split(";")
        .map((part) => part.trim().split("="));
      value = cookies.find(([key]) => key === name)?.[1];
    } else if (place === "query") {
      value = url.searchParams.get(name) ?? undefined;
    } else if (
      place === "form" &&
      String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
    ) {
      value = new URLSearchParams(body.toString("utf8")).get(name) ?? undefined;
    }
    if (value) return value;
  }
  return undefined;
}

function httpResponse(result: Buffer): FcAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.toString("utf8"));
  } catch {
    return { status: 200, body: result, headers: { "content-type": "text/plain" } };
  }
  const shaped = parsed as {
    statusCode?: unknown;
    headers?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  if (!parsed || typeof parsed !== "object" || typeof shaped.statusCode !== "number")
    return { status: 200, body: result, headers: { "content-type": "application/json" } };
  const text = typeof shaped.body === "string" ? shaped.body : JSON.stringify(shaped.body ?? "");
  const headers = (shaped.headers && typeof shaped.headers === "object" ? shaped.headers : {}) as Json;
  return {
    status: shaped.statusCode,
    body: Buffer.from(text, shaped.isBase64Encoded === true ? "base64" : "utf8"),
    headers: Object.fromEntries(
      Object.entries(headers).map(([key, value]) => [key.toLowerCase(), String(value)]),
    ),
  };
}
