import { UserError } from "../../errors.ts";
import { describeOAuthError, parseOAuthError } from "./oauth-error.ts";
import { clientCredentialsForm } from "./oauth2-scopes.ts";
import { postTokenForm } from "./token-endpoint.ts";

export interface OAuth2TokenRequest {
  /** https://auth.<region>.<realm domain>, or the endpoint override. */
  baseUrl: string;
  credentialOcid: string;
  credentialSecret: string;
  /** Fully qualified scopes (`<audience>-<scope>`), each sent as its own `scope` parameter. */
  scopes: string[];
  signal?: AbortSignal;
}

export interface OAuth2Token {
  accessToken: string;
  tokenType: string;
  expiresInSeconds: number;
}

/**
 * An OAuth 2.0 client-credentials token from OCI's authorization endpoint (POST /oauth2/token, basic
 * auth `<credential OCID>:<secret>`), as the IAM documentation for OAuth 2.0 client credentials shows.
 */
export async function requestOAuth2Token(request: OAuth2TokenRequest): Promise<OAuth2Token> {
  const url = `${request.baseUrl}/oauth2/token`;
  const answer = await postTokenForm({
    url,
    form: clientCredentialsForm(request.scopes),
    basicAuth: { id: request.credentialOcid, secret: request.credentialSecret },
    inputName: "region",
    ...(request.signal ? { signal: request.signal } : {}),
  });
  if (answer.status !== 200) {
    const body = parseOAuthError(answer.text);
    const said = describeOAuthError(answer.status, body);
    if (answer.status === 401 || body.error === "invalid_client") {
      throw new UserError(
        `credential-secret: OCI refused OAuth 2.0 client credential ${request.credentialOcid} (${said}); check credential-ocid and use the secret shown when the credential was created (it is shown only once: generate a new credential if it is lost).`,
      );
    }
    if (body.error === "invalid_scope") {
      throw new UserError(
        `scope: OCI refused the scopes ${request.scopes.join(" ")} (${said}); each must be a scope of this credential, fully qualified as <audience>-<scope> (the audience and scope its details page lists, joined by a hyphen).`,
      );
    }
    throw new UserError(`oci-token: OCI's OAuth 2.0 endpoint refused the request (${said}).`);
  }
  let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    body = {};
  }
  if (typeof body.access_token !== "string" || body.access_token === "") {
    throw new UserError(`oci-token: ${url} answered 200 without an access_token.`);
  }
  // The documented answer carries expires_in as a string ("3600").
  const expiresIn = Number(body.expires_in);
  return {
    accessToken: body.access_token,
    tokenType: typeof body.token_type === "string" ? body.token_type : "Bearer",
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
  };
}
