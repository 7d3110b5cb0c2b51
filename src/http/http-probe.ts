import { describeError } from "../errors.ts";
import { explainNetworkFailure } from "./network-failure.ts";

/**
 * One HTTP request as a smoke check sees it: status, body and latency, or the network error. Uses Node's
 * fetch, which trusts NODE_EXTRA_CA_CERTS like every other client in the suite.
 */
export interface ProbeRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The step's deadline: an answer still pending when it fires counts as no answer. */
  signal?: AbortSignal;
  /** The proxy the request goes through (credentials removed), named when the request fails. */
  proxy?: string;
}

export type ProbeOutcome =
  | { kind: "response"; status: number; body: string; latencyMs: number; wwwAuthenticate?: string }
  | { kind: "error"; message: string; latencyMs: number };

export async function probe(request: ProbeRequest): Promise<ProbeOutcome> {
  const started = performance.now();
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      redirect: "manual",
      signal: request.signal
        ? AbortSignal.any([AbortSignal.timeout(request.timeoutMs), request.signal])
        : AbortSignal.timeout(request.timeoutMs),
    });
    const body = await response.text();
    const challenge = response.headers.get("www-authenticate");
    return {
      kind: "response",
      status: response.status,
      body,
      latencyMs: Math.round(performance.now() - started),
      ...(challenge ? { wwwAuthenticate: challenge } : {}),
    };
  } catch (error) {
    // fetch hides the socket's error code in `cause`; its own message may quote a header value it
    // refused, which describeError withholds.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message = cause?.code
      ? explainNetworkFailure(cause.code, request.url, request.proxy)
      : describeError(cause?.message ? cause : error);
    return { kind: "error", message, latencyMs: Math.round(performance.now() - started) };
  }
}
