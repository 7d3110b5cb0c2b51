import { describeError } from "../errors.ts";

export type Fetched = { ok: true; json: unknown } | { ok: false; status?: number; why: string };

const TIMEOUT_MS = 10_000;

/**
 * GETs a public JSON document (a JWKS, an OpenID configuration) the way a gateway would: HTTPS with
 * the certificate verified (NODE_EXTRA_CA_CERTS adds private CAs), no credentials sent.
 */
export async function fetchPublicJson(url: string, signal?: AbortSignal): Promise<Fetched> {
  let response: Response;
  try {
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    response = await fetch(url, {
      headers: { accept: "application/json" },
      redirect: "follow",
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return { ok: false, why: describeError(cause ?? error) };
  }
  if (response.status !== 200) {
    await response.arrayBuffer().catch(() => undefined);
    return { ok: false, status: response.status, why: `HTTP ${response.status}` };
  }
  try {
    return { ok: true, json: await response.json() };
  } catch {
    return { ok: false, status: 200, why: "the answer is not JSON" };
  }
}
