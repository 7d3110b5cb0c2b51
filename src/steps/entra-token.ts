import { decodeJwt } from "jose";
import type { AcquiredToken, ClientCredential } from "../entra/acquire-token.ts";
import { probeAuthority } from "../entra/authority-probe.ts";
import { readClientCertificate } from "../entra/client-certificate.ts";
import { readTokenClaims, type TokenClaims } from "../entra/token-claims.ts";
import { checkTokenExpectations, type TokenExpectations } from "../entra/token-expectations.ts";
import { explainTokenFailure, type FailureContext, isAuthorityFailure } from "../entra/token-failure.ts";
import {
  checkAuthorityHost,
  checkClientId,
  checkScope,
  checkTenantId,
} from "../entra/token-request-checks.ts";
import { UserError } from "../errors.ts";
import type { StepContext } from "../step-context.ts";
import { type IssuedToken, reusableToken } from "./entra-token-handover.ts";

export const DEFAULT_FEDERATED_AUDIENCE = "api://AzureADTokenExchange";

const CREDENTIAL_NAMES = {
  secret: "client secret",
  certificate: "client certificate",
  federated: "GitHub OIDC token",
} as const;

export interface EntraTokenInputs {
  tenantId: string;
  clientId: string;
  scope: string;
  clientSecret?: string;
  clientCertificate?: string;
  clientCertificateKey?: string;
  /** Exchange a GitHub Actions OIDC token (workload identity federation). */
  federated: boolean;
  federatedAudience?: string;
  authorityHost: string;
  expected: TokenExpectations;
}

export interface EntraTokenTools {
  /** A GitHub Actions OIDC token for `audience`; throws a UserError when the job may not have one. */
  githubIdToken(audience: string): Promise<string>;
}

export interface EntraTokenResult {
  accessToken: string;
  expiresOn: Date;
  claims: TokenClaims;
  credential: ClientCredential["kind"];
}

/**
 * Gets an app-only Entra access token with the client credentials grant, and checks it is the one wanted.
 * `handOver.issued`: a token preflight got for these same inputs, used instead of a second request
 * while it is valid (see reusableToken); `handOver.onIssued` receives the token this call gets.
 */
export async function entraToken(
  inputs: EntraTokenInputs,
  ctx: StepContext,
  tools: EntraTokenTools,
  handOver: { issued?: IssuedToken; onIssued?(issued: IssuedToken): void } = {},
): Promise<EntraTokenResult> {
  const reused = reusableToken(handOver.issued, inputs, ctx.now());
  if (reused) {
    ctx.secrets.register(reused.accessToken);
    checkExpectedToken(reused.claims, inputs.expected);
    ctx.logger.info(
      `${gotLine(reused.claims, reused.credential)} (requested by preflight, valid until ${reused.expiresOn.toISOString()}: Entra not asked again)`,
    );
    return reused;
  }
  const tenantId = checkTenantId(inputs.tenantId);
  const clientId = checkClientId(inputs.clientId);
  const scope = checkScope(inputs.scope);
  const authorityHost = checkAuthorityHost(inputs.authorityHost);
  const failure: FailureState = { credential: "secret", authorityHost, clientId };
  const credential = chooseCredential(inputs, ctx, tools, failure);
  failure.credential = credential.kind;

  let acquired: AcquiredToken;
  try {
    // MSAL loads on use: a pipeline's first stages need none of it.
    const { acquireToken } = await import("../entra/acquire-token.ts");
    acquired = await acquireToken({ authorityHost, tenantId, clientId, scope, credential }, ctx.logger);
  } catch (error) {
    if (isAuthorityFailure(error)) failure.authority = await probeAuthority(authorityHost, tenantId);
    throw explainTokenFailure(failure.assertionError ?? error, failure);
  }
  ctx.secrets.register(acquired.accessToken);

  const claims = readTokenClaims(acquired.accessToken);
  const result: EntraTokenResult = {
    accessToken: acquired.accessToken,
    expiresOn: acquired.expiresOn ?? claims.expiresOn,
    claims,
    credential: credential.kind,
  };
  // Handed over before the expectations are judged: they are the receiver's to check, not the request's.
  handOver.onIssued?.({ request: inputs, token: result });
  checkExpectedToken(claims, inputs.expected);
  ctx.logger.info(`${gotLine(claims, credential.kind)}.`);
  return result;
}

function gotLine(claims: TokenClaims, credential: ClientCredential["kind"]): string {
  const roles = claims.roles.length > 0 ? claims.roles.join(", ") : "none";
  return `Got a v${claims.version.replace(/\.0$/, "")} access token for ${claims.audience} from ${claims.issuer} (roles: ${roles}) with the ${CREDENTIAL_NAMES[credential]}`;
}

/**
 * The token is the one wanted: its issuer and audience among the expected ones (none expected: any).
 * The pipeline also calls it once gateway-deploy says what the API demands.
 */
export function checkExpectedToken(claims: TokenClaims, expected: EntraTokenInputs["expected"]): void {
  try {
    checkTokenExpectations(claims, expected);
  } catch (error) {
    // Name the input the mismatch is against, as every other error line does.
    if (!(error instanceof UserError)) throw error;
    const input = error.message.startsWith("the token's audience") ? "expected-audience" : "expected-issuer";
    throw new UserError(`${input}: ${error.message}`);
  }
}

interface FailureState extends FailureContext {
  /** What the assertion callback threw: MSAL may wrap it, and the original says more. */
  assertionError?: unknown;
}

/**
 * Every check that needs no call, so a pipeline can refuse bad entra-token inputs before its first
 * stage changes anything.
 */
export function checkEntraTokenInputs(inputs: EntraTokenInputs): void {
  checkTenantId(inputs.tenantId);
  checkClientId(inputs.clientId);
  checkScope(inputs.scope);
  checkAuthorityHost(inputs.authorityHost);
  checkOneCredential(inputs);
}

function checkOneCredential(inputs: EntraTokenInputs): void {
  const given = [
    inputs.clientSecret !== undefined ? "client-secret" : undefined,
    inputs.clientCertificate !== undefined || inputs.clientCertificateKey !== undefined
      ? "client-certificate"
      : undefined,
    inputs.federated ? "federated: true" : undefined,
  ].filter((name) => name !== undefined);
  if (given.length === 0) {
    throw new UserError(
      "no credential given: set exactly one of client-secret, client-certificate (with client-certificate-key), or federated: true.",
    );
  }
  if (given.length > 1) {
    const both = given.length === 2 ? "both" : "all";
    throw new UserError(`${given.join(" and ")} are ${both} set: keep exactly one credential.`);
  }
}

function chooseCredential(
  inputs: EntraTokenInputs,
  ctx: StepContext,
  tools: EntraTokenTools,
  failure: FailureState,
): ClientCredential {
  checkOneCredential(inputs);
  if (inputs.clientSecret !== undefined) return { kind: "secret", secret: inputs.clientSecret };
  if (inputs.federated) {
    const audience = inputs.federatedAudience ?? DEFAULT_FEDERATED_AUDIENCE;
    return {
      kind: "federated",
      // Fetched only when MSAL is about to send it: GitHub's tokens live for minutes.
      assertion: async () => {
        try {
          const token = await tools.githubIdToken(audience);
          ctx.secrets.register(token);
          const sub = decodeJwt(token).sub;
          if (sub) failure.federatedSubject = sub;
          failure.federatedAudience = audience;
          return token;
        } catch (error) {
          failure.assertionError = error;
          throw error;
        }
      },
    };
  }
  if (inputs.clientCertificate === undefined) {
    throw new UserError(
      "client-certificate-key is set without client-certificate: pass the PEM certificate uploaded to the app registration too.",
    );
  }
  if (inputs.clientCertificateKey === undefined) {
    throw new UserError(
      "client-certificate is set without client-certificate-key: pass the certificate's PEM private key (as a secret) too.",
    );
  }
  const certificate = readClientCertificate(inputs.clientCertificate, inputs.clientCertificateKey);
  ctx.secrets.register(certificate.privateKeyPem);
  return { kind: "certificate", ...certificate };
}
