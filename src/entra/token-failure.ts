import { describeError, isUserError, UserError } from "../errors.ts";
import { explainAadsts } from "./aadsts-errors.ts";
import type { AuthorityProbe } from "./authority-probe.ts";

/** What the failure message needs to name the input at fault. */
export interface FailureContext {
  credential: "secret" | "certificate" | "federated";
  authorityHost: string;
  clientId: string;
  /** The GitHub token's subject and audience, when a federated assertion was presented. */
  federatedSubject?: string;
  federatedAudience?: string;
  /** A second look at the OpenID configuration, when MSAL could not resolve the authority. */
  authority?: AuthorityProbe;
}

/** The input each AADSTS code points at. */
const INPUT_FOR: Record<string, string> = {
  AADSTS7000215: "client-secret",
  AADSTS7000222: "client-secret",
  AADSTS700016: "client-id",
  AADSTS90002: "tenant-id",
  AADSTS500011: "scope",
  AADSTS70011: "scope",
  AADSTS1002012: "scope",
  AADSTS700027: "client-certificate",
  AADSTS700024: "client-certificate",
};
const FEDERATED = new Set(["AADSTS70021", "AADSTS700211", "AADSTS700213", "AADSTS50013"]);

/** Turns what MSAL throws into one line naming the input and the fix. */
export function explainTokenFailure(error: unknown, context: FailureContext): Error {
  if (isUserError(error)) return error;
  const { errorCode, errorMessage } = msalFields(error);
  const code = /AADSTS\d+/.exec(errorMessage)?.[0];
  if (code) {
    const explanation = explainAadsts(errorMessage);
    if (FEDERATED.has(code) || (context.credential === "federated" && code === "AADSTS700024")) {
      const presented = context.federatedSubject
        ? `; the GitHub token's subject is ${context.federatedSubject} and its audience ${context.federatedAudience ?? "?"}: add a federated credential with exactly that subject to app ${context.clientId}, or set federated-audience`
        : "";
      return new UserError(`federated: Entra refused the GitHub OIDC token: ${explanation}${presented}.`);
    }
    const input =
      context.credential === "federated" && code === "AADSTS700027" ? "federated" : INPUT_FOR[code];
    return new UserError(`${input ? `${input}: ` : ""}Entra refused the token request: ${explanation}.`);
  }
  const authority = context.authority;
  if (authority && !authority.reachable) return unreachable(context.authorityHost, authority.reason);
  if (authority?.errorDescription && /AADSTS\d+/.test(authority.errorDescription)) {
    const { authority: _probed, ...withoutProbe } = context;
    return explainTokenFailure({ errorMessage: authority.errorDescription }, withoutProbe);
  }
  if (errorCode === "network_error") return unreachable(context.authorityHost, errorMessage);
  if (errorCode === "endpoints_resolution_error" || errorCode === "openid_config_error") {
    const status = authority?.reachable ? ` (HTTP ${authority.status})` : "";
    return new UserError(
      `tenant-id or authority-host is wrong: ${context.authorityHost} serves no OpenID configuration for this tenant${status}: check the Directory (tenant) ID and, for a sovereign cloud, authority-host.`,
    );
  }
  if (errorCode !== "") {
    // Throttling or an outage that outlasted MSAL's own retry: not a bug, and not the input's fault.
    return new UserError(
      `Entra at ${context.authorityHost} did not issue a token (${errorCode}: ${oneLine(errorMessage)}): re-run the job; if it persists, check the Azure status page.`,
    );
  }
  return error instanceof Error ? error : new Error(describeError(error));
}

/** MSAL could not read the tenant's OpenID configuration, for a reason it does not tell. */
export function isAuthorityFailure(error: unknown): boolean {
  const { errorCode } = msalFields(error);
  return errorCode === "endpoints_resolution_error" || errorCode === "openid_config_error";
}

function unreachable(authorityHost: string, reason: string): UserError {
  if (/CERT|certificate|self[- ]signed|UNABLE_TO_VERIFY/i.test(reason)) {
    return new UserError(
      `authority-host ${authorityHost}: its TLS certificate is not trusted (${oneLine(reason)}): for a private CA, point NODE_EXTRA_CA_CERTS at it.`,
    );
  }
  return new UserError(
    `authority-host ${authorityHost} could not be reached (${oneLine(reason)}): check authority-host and the runner's network or proxy.`,
  );
}

function msalFields(error: unknown): { errorCode: string; errorMessage: string } {
  const fields = (typeof error === "object" && error !== null ? error : {}) as {
    errorCode?: unknown;
    errorMessage?: unknown;
    message?: unknown;
  };
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return {
    errorCode: text(fields.errorCode),
    errorMessage: text(fields.errorMessage) || text(fields.message) || describeError(error),
  };
}

function oneLine(text: string): string {
  return describeError(text).slice(0, 200);
}
