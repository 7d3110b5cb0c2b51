import { DefaultRequestSigner, SessionAuthDetailProvider } from "oci-common";
import { WaitInterrupted } from "../../deadline.ts";
import { describeError } from "../../errors.ts";
import { pollUntil } from "../../retry/backoff.ts";
import { profileAuthProvider } from "../auth/auth-provider.ts";
import type { OciProfile } from "../oci-clients.ts";

/**
 * OCIR's short-lived registry credential: a GET on https://<registry host>/20180419/docker/token,
 * signed like any OCI request (API key or session token), answers a bearer token that
 * `docker login <host> -u BEARER_TOKEN` accepts until it expires. Oracle's A-Team describes the API-key
 * and the workload-identity (session token) variants:
 * https://www.ateam-oracle.com/authentication-mechanisms-for-oci-container-registry-ocir
 * The answer's fields (token, access_token, scope, expires_in) are those Oracle's own credential
 * provider reads: https://github.com/oracle-devrel/oke-credential-provider-for-ocir
 * (internal/provider/provider.go), where a token lives one hour.
 */
export const REGISTRY_TOKEN_PATH = "/20180419/docker/token";
/** The user name docker logs in with when the password is such a token. */
export const BEARER_USERNAME = "BEARER_TOKEN";
/** The docker token specification's default when expires_in is absent. */
const DEFAULT_LIFETIME_SECONDS = 60;
const DEADLINE_MS = 30_000;

export interface RegistryTokenRequest extends OciProfile {
  registryHost: string;
  /** FNGATE_OCI_ENDPOINT: one base URL serving every OCI API, the registry's token endpoint included. */
  endpoint?: string;
  signal?: AbortSignal;
  now(): Date;
}

export type SignedWith = "session token" | "API key";

export interface RegistryToken {
  token: string;
  expiresAt: Date;
}

/** What the token endpoint answered when it did not hand out a token; explained by the caller. */
export class RegistryTokenRefused extends Error {
  override readonly name = "RegistryTokenRefused";
  readonly status: number;
  readonly code: string;
  readonly url: string;
  readonly opcRequestId: string | undefined;
  /** What signed the request: the profile's session token (auth: oidc) or its API key. */
  readonly signedWith: SignedWith;
  constructor(
    answer: { url: string; status: number; code: string; detail: string; opcRequestId: string | undefined },
    signedWith: SignedWith,
  ) {
    super(
      `${answer.url} answered ${answer.status}${answer.code ? ` ${answer.code}` : ""}${answer.detail ? `: ${answer.detail}` : ""}`,
    );
    this.url = answer.url;
    this.status = answer.status;
    this.code = answer.code;
    this.opcRequestId = answer.opcRequestId;
    this.signedWith = signedWith;
  }
}

/** The URL the token is requested from: the endpoint override, else the registry host itself. */
export function registryTokenUrl(registryHost: string, endpoint: string | undefined): string {
  return `${endpoint ?? `https://${registryHost}`}${REGISTRY_TOKEN_PATH}`;
}

/**
 * Requests a registry token signed with the profile's credentials (oci-common's signer, as every OCI
 * SDK call). 429, 5xx and unanswered calls are retried with backoff for up to 30 seconds; any other
 * refusal is thrown as RegistryTokenRefused at once.
 */
export async function requestRegistryToken(request: RegistryTokenRequest): Promise<RegistryToken> {
  const url = registryTokenUrl(request.registryHost, request.endpoint);
  const provider = profileAuthProvider(request.configFile, request.profile);
  const signedWith: SignedWith = provider instanceof SessionAuthDetailProvider ? "session token" : "API key";
  const signer = new DefaultRequestSigner(provider);
  let lastError: unknown;
  const { value } = await pollUntil<RegistryToken>(
    async () => {
      try {
        return await requestOnce(url, signer, signedWith, request);
      } catch (error) {
        if (error instanceof RegistryTokenRefused && error.status !== 429 && error.status < 500) throw error;
        if (request.signal?.aborted) {
          throw new WaitInterrupted(`requesting a registry token from ${url}`, request.signal.reason);
        }
        lastError = error;
        return undefined;
      }
    },
    {
      initialDelayMs: 500,
      maxDelayMs: 5000,
      deadlineMs: DEADLINE_MS,
      ...(request.signal ? { signal: request.signal } : {}),
      describe: () => `requesting a registry token from ${url}`,
    },
  );
  if (value) return value;
  throw lastError instanceof RegistryTokenRefused
    ? lastError
    : new Error(`could not reach ${url}: ${describeError(lastError)}`);
}

async function requestOnce(
  url: string,
  signer: DefaultRequestSigner,
  signedWith: SignedWith,
  request: RegistryTokenRequest,
): Promise<RegistryToken> {
  const headers = new Headers({ accept: "application/json" });
  await signer.signHttpRequest({ method: "GET", uri: url, headers });
  const response = await fetch(url, {
    method: "GET",
    headers,
    signal: request.signal
      ? AbortSignal.any([request.signal, AbortSignal.timeout(DEADLINE_MS)])
      : AbortSignal.timeout(DEADLINE_MS),
  });
  const text = await response.text();
  // Only the error code and request id are kept, as plain tokens: a message from the far end (a proxy,
  // a wrong host) may quote the request back, and with auth: oidc its signature names the session token.
  const opcRequestId = plainToken(response.headers.get("opc-request-id"));
  const body = parseJson(text);
  if (!response.ok) {
    const code = plainToken(typeof body?.code === "string" ? body.code : undefined) ?? "";
    throw new RegistryTokenRefused(
      { url, status: response.status, code, detail: "", opcRequestId },
      signedWith,
    );
  }
  const token = stringField(body, "token") ?? stringField(body, "access_token");
  if (!token) {
    const answer = {
      url,
      status: response.status,
      code: "",
      detail: "the answer holds no token",
      opcRequestId,
    };
    throw new RegistryTokenRefused(answer, signedWith);
  }
  const seconds =
    typeof body?.expires_in === "number" && body.expires_in > 0 ? body.expires_in : DEFAULT_LIFETIME_SECONDS;
  return { token, expiresAt: new Date(request.now().getTime() + seconds * 1000) };
}

function plainToken(value: string | null | undefined): string | undefined {
  const plain = value?.replace(/[^A-Za-z0-9/_.:-]/g, "").slice(0, 120);
  return plain || undefined;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringField(body: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}
