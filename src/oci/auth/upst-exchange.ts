import { UserError } from "../../errors.ts";
import { expiryOf } from "./jwt-claims.ts";
import { describeOAuthError, type OAuthErrorBody, parseOAuthError } from "./oauth-error.ts";
import { postTokenForm } from "./token-endpoint.ts";

export interface UpstExchange {
  /** https://idcs-<guid>.identity.oraclecloud.com (the identity domain's URL, no path). */
  identityDomainUrl: string;
  clientId: string;
  /** The integrated application's client secret: a confidential client authenticates with basic auth. */
  clientSecret: string;
  /** The GitHub OIDC token. */
  subjectToken: string;
  /** Base64 DER SubjectPublicKeyInfo of the session key. */
  publicKeyBase64: string;
  /** For messages: the audience the GitHub token was minted for. */
  audience: string;
  signal?: AbortSignal;
}

export interface Upst {
  token: string;
  expiresAt?: Date;
}

/**
 * RFC 8693 token exchange at the identity domain: a JWT from a trusted issuer (GitHub's OIDC) becomes
 * a user principal session token (UPST) bound to our public key. The parameter names and values are
 * the ones OCI IAM documents for "Exchanging a JSON Web Token for a UPST"
 * (https://docs.oracle.com/iaas/Content/Identity/api-getstarted/json_web_token_exchange.htm). The
 * client is the domain's confidential integrated application, authenticated with basic auth
 * `<client ID>:<client secret>`, as Oracle's own clients send it (oci-typescript-sdk's token exchange
 * example requires OCI_CLIENT_CREDENTIALS, base64 "client_id:client_secret"); no source shows a
 * public client (client_id alone) being accepted, so none is offered.
 */
export async function exchangeForUpst(exchange: UpstExchange): Promise<Upst> {
  const url = `${exchange.identityDomainUrl}/oauth2/v1/token`;
  const form: Record<string, string> = {
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    requested_token_type: "urn:oci:token-type:oci-upst",
    subject_token: exchange.subjectToken,
    subject_token_type: "jwt",
    public_key: exchange.publicKeyBase64,
  };
  const answer = await postTokenForm({
    url,
    form,
    inputName: "identity-domain-url",
    basicAuth: { id: exchange.clientId, secret: exchange.clientSecret },
    ...(exchange.signal ? { signal: exchange.signal } : {}),
  });
  if (answer.status === 200) {
    const token = tokenOf(answer.text);
    if (!token) {
      throw new UserError(
        `identity-domain-url: ${url} answered 200 without a token; check that identity-domain-url is the identity domain's URL (Identity > Domains > Domain URL).`,
      );
    }
    const expiresAt = expiryOf(token);
    return { token, ...(expiresAt ? { expiresAt } : {}) };
  }
  throw explainExchangeFailure(answer.status, parseOAuthError(answer.text), exchange);
}

function tokenOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { token?: unknown };
    return typeof body.token === "string" && body.token !== "" ? body.token : undefined;
  } catch {
    return undefined;
  }
}

/** One line per cause a user can fix: which input or which identity domain setting, and what to do. */
export function explainExchangeFailure(
  status: number,
  body: OAuthErrorBody,
  exchange: Pick<UpstExchange, "clientId" | "audience" | "identityDomainUrl">,
): UserError {
  const said = describeOAuthError(status, body);
  const text = `${body.error ?? ""} ${body.description ?? ""}`.toLowerCase();
  if (status === 404) {
    return new UserError(
      `identity-domain-url: ${exchange.identityDomainUrl} has no OAuth token endpoint (HTTP 404); use the identity domain's URL as Identity > Domains > Domain URL shows it (https://idcs-….identity.oraclecloud.com).`,
    );
  }
  if (body.error === "invalid_client" || status === 401) {
    return new UserError(
      `client-id/client-secret (oci-client-id/oci-client-secret in the root action): the identity domain refused OAuth client ${exchange.clientId} (${said}); use the integrated application's client ID and its current client secret (Identity > Domains > Integrated applications > OAuth configuration).`,
    );
  }
  if (body.error === "unauthorized_client" || body.error === "invalid_scope") {
    return new UserError(
      `client-id (oci-client-id in the root action): the identity domain does not let application ${exchange.clientId} exchange tokens (${said}); enable the "Token exchange" grant type in the application's client configuration and activate the application.`,
    );
  }
  if (text.includes("expired")) {
    return new UserError(
      `auth: oidc: the identity domain refused the GitHub OIDC token as expired (${said}); the token lives 5 minutes, so check the runner's clock and re-run the job.`,
    );
  }
  if (text.includes("audience")) {
    return new UserError(
      `oidc-audience ${JSON.stringify(exchange.audience)} is not trusted by the identity domain (${said}); set oidc-audience to an audience the identity propagation trust lists, or add it to the trust.`,
    );
  }
  if (text.includes("subject") || text.includes("rule") || text.includes("impersonat")) {
    return new UserError(
      `auth: oidc: the identity propagation trust does not map this workflow to a user (${said}); add a rule for this repository's sub claim (repo:<owner>/<repo>:ref:…) that impersonates the service user.`,
    );
  }
  if (text.includes("trust") || text.includes("issuer")) {
    return new UserError(
      `auth: oidc: token exchange is not configured for GitHub's tokens in this identity domain (${said}); create an identity propagation trust of type JWT for issuer https://token.actions.githubusercontent.com with OAuth client ${exchange.clientId} among its clients (see README "No stored secrets").`,
    );
  }
  return new UserError(`auth: oidc: the identity domain refused the token exchange (${said}).`);
}
