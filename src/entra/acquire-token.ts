import { ConfidentialClientApplication, type Configuration, LogLevel } from "@azure/msal-node";
import { pollUntil } from "../retry/backoff.ts";
import type { Logger } from "../step-context.ts";

export type ClientCredential =
  | { kind: "secret"; secret: string }
  | { kind: "certificate"; thumbprintSha256: string; privateKeyPem: string }
  /** A token from an external identity provider (GitHub Actions OIDC), fetched when MSAL needs it. */
  | { kind: "federated"; assertion: () => Promise<string> };

export interface TokenRequest {
  /** login.microsoftonline.com, a sovereign cloud's host, or an emulator's 127.0.0.1:<port>. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  scope: string;
  credential: ClientCredential;
}

export interface AcquiredToken {
  accessToken: string;
  /** When MSAL says the token expires; undefined when it does not say. */
  expiresOn: Date | undefined;
}

export interface RetryOptions {
  /** Give up retrying transient failures after this long; default 60 s. */
  deadlineMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * One client credentials grant with MSAL, retried with jittered backoff while Entra throttles (429) or
 * has a transient failure (5xx, a dropped connection), which MSAL itself does not retry. Anything else
 * fails at once and is left for explainTokenFailure.
 */
export async function acquireToken(
  request: TokenRequest,
  logger: Logger,
  options: RetryOptions = {},
): Promise<AcquiredToken> {
  let lastError: unknown;
  const { value } = await pollUntil(
    async () => {
      // A fresh client each time: MSAL remembers a 429/5xx and would replay it for a minute without
      // asking Entra again.
      const app = new ConfidentialClientApplication(msalConfiguration(request, logger));
      try {
        const result = await app.acquireTokenByClientCredential({ scopes: [request.scope] });
        if (!result?.accessToken) throw new Error("MSAL returned no access token");
        return { accessToken: result.accessToken, expiresOn: result.expiresOn ?? undefined };
      } catch (error) {
        if (!isTransient(error)) throw error;
        lastError = error;
        logger.info(`Entra did not answer the token request (${transientReason(error)}); retrying.`);
        return undefined;
      }
    },
    {
      initialDelayMs: 1000,
      maxDelayMs: 8000,
      deadlineMs: options.deadlineMs ?? 60_000,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    },
  );
  if (value) return value;
  throw lastError;
}

function isTransient(error: unknown): boolean {
  const { status, errorCode } = error as { status?: unknown; errorCode?: unknown };
  if (typeof status === "number") return status === 429 || status >= 500;
  return errorCode === "network_error";
}

function transientReason(error: unknown): string {
  const { status, errorNo } = error as { status?: unknown; errorNo?: unknown };
  if (typeof status === "number")
    return errorNo ? `HTTP ${status}, AADSTS${String(errorNo)}` : `HTTP ${status}`;
  return "connection failed";
}

function msalConfiguration(request: TokenRequest, logger: Logger): Configuration {
  const { credential } = request;
  const auth: Configuration["auth"] = {
    clientId: request.clientId,
    authority: `https://${request.authorityHost}/${request.tenantId}`,
    // Without it MSAL asks login.microsoftonline.com whether the host is a real authority, which fails
    // for private endpoints and emulators; for Microsoft's own hosts it changes nothing.
    knownAuthorities: [request.authorityHost],
  };
  if (credential.kind === "secret") auth.clientSecret = credential.secret;
  if (credential.kind === "certificate") {
    auth.clientCertificate = {
      thumbprintSha256: credential.thumbprintSha256,
      privateKey: credential.privateKeyPem,
    };
  }
  if (credential.kind === "federated") auth.clientAssertion = () => credential.assertion();
  return {
    auth,
    system: {
      loggerOptions: {
        // MSAL's own log is for debugging only, and never with personal data.
        piiLoggingEnabled: false,
        logLevel: LogLevel.Info,
        loggerCallback: (_level, message, containsPii) => {
          if (!containsPii) logger.debug(`msal: ${message}`);
        },
      },
    },
  };
}
