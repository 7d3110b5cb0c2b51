// POST /oauth2/token at auth.<region>.oraclecloud.com: OAuth 2.0 client credentials, with the wire
// format Oracle documents (seed 003, "Getting an OAuth 2.0 Access Token" in
// https://docs.oracle.com/en-us/iaas/Content/Identity/Tasks/managingcredentials.htm):
//   basic auth `<credential OCID>:<secret>`, grant_type=client_credentials&scope=<audience>-<scope>,
//   and for several scopes one more `&scope=<audience>-<scope>` argument per scope.
// So each `scope` parameter is exactly one fully qualified scope (the audience and the scope joined
// by a hyphen) of an audience-scope pair the credential holds; a space-separated list in one
// parameter, or a pair written without the hyphen, is refused as invalid_scope. The answer is
// {access_token, token_type: "Bearer", expires_in: "3600"} (a string, as documented); the token is an
// RS256 JWT whose keys /oauth2/jwks publishes.
import { randomUUID } from "node:crypto";
import { signRs256 } from "./compact-jwt.ts";
import type { CredentialScope, IdentityDomainStore } from "./store.ts";
import { basicCredentials, type OAuthAnswer, oauthError } from "./token-exchange.ts";

export function clientCredentialsToken(
  store: IdentityDomainStore,
  form: URLSearchParams,
  authorization: string | undefined,
  issuer: string,
): OAuthAnswer {
  const [id, secret] = basicCredentials(authorization) ?? [];
  const credential = id === undefined ? undefined : store.credentials.get(id);
  if (!credential || credential.secret !== secret) {
    return oauthError(401, "invalid_client", "Client authentication failed.");
  }
  if (form.get("grant_type") !== "client_credentials") {
    return oauthError(
      400,
      "unsupported_grant_type",
      `The grant type ${form.get("grant_type")} is not supported.`,
    );
  }
  const requested = form.getAll("scope");
  if (requested.length === 0) return oauthError(400, "invalid_scope", "scope is required.");
  const granted: CredentialScope[] = [];
  const refused: string[] = [];
  for (const value of requested) {
    const pair = credential.scopes.find((held) => `${held.audience}-${held.scope}` === value);
    if (pair) granted.push(pair);
    else refused.push(value);
  }
  if (refused.length > 0) {
    return oauthError(
      400,
      "invalid_scope",
      `The requested scope is invalid, unknown, or malformed: ${refused.join(" ")}.`,
    );
  }
  const iat = Math.floor(store.now().getTime() / 1000);
  const audiences = [...new Set(granted.map((pair) => pair.audience))];
  const token = signRs256(
    {
      iss: issuer,
      sub: credential.id,
      aud: audiences.length === 1 ? audiences[0] : audiences,
      scope: granted.map((pair) => pair.scope).join(" "),
      tenant: credential.tenancyId,
      client_id: credential.id,
      iat,
      exp: iat + store.oauthTokenLifetimeSeconds,
      jti: randomUUID(),
    },
    store.oauthKey.privateKey,
    store.oauthKey.kid,
  );
  return {
    status: 200,
    body: { access_token: token, token_type: "Bearer", expires_in: String(store.oauthTokenLifetimeSeconds) },
  };
}
