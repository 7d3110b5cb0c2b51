import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody as readWholeBody } from "../http/loopback-server.ts";
import type { Json } from "../json.ts";

const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return readWholeBody(req, MAX_BODY_BYTES, () => new Error("request body too large"));
}

/** Sends a JSON answer; true, so a route can `return sendJson(...)` once it has answered. */
export function sendJson(res: ServerResponse, status: number, body: unknown): true {
  const payload = Buffer.from(JSON.stringify(body), "utf8");
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": String(payload.length),
  });
  res.end(payload);
  return true;
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): true {
  const payload = Buffer.from(text, "utf8");
  res.writeHead(status, {
    "content-type": "text/html; charset=UTF-8",
    "content-length": String(payload.length),
    ...headers,
  });
  res.end(payload);
  return true;
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** Google's JSON error envelope (google.rpc.Status over HTTP). */
export function sendGoogleError(
  res: ServerResponse,
  status: number,
  message: string,
  statusName?: string,
): true {
  return sendJson(res, status, {
    error: { code: status, message, status: statusName ?? STATUS_NAMES[status] ?? "UNKNOWN" },
  });
}

export const INVALID_CREDENTIALS =
  "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.";

/** The OAuth2 error envelope the token endpoints answer a bad request with (400). */
export function sendOAuthError(res: ServerResponse, error: string, description: string): true {
  return sendJson(res, 400, { error, error_description: description });
}

export function bearerOf(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
}

/** A JSON object body, or undefined after answering 400. */
export async function jsonBody(req: IncomingMessage, res: ServerResponse): Promise<Json | undefined> {
  try {
    const parsed = JSON.parse((await readBody(req)).toString("utf8")) as unknown;
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Json;
  } catch {}
  sendGoogleError(res, 400, "Invalid JSON payload received.");
  return undefined;
}
