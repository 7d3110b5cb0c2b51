// POST /oauth2/token at auth.<region>.oraclecloud.com: OAuth 2.0 client credentials (seed 003).
// Basic auth `<credential OCID>:<secret>`, grant_type=client_credentials, scope = one or more
// space-separated fully qualified scopes (`<audience><scope>`), each of which the credential must
// hold. The answer is {access_token, token_type: "Bearer", expires_in: "3600"} (a string, as
// documented); the token is an RS256 JWT whose keys /oauth2/jwks publishes.
import { randomUUID } from "node:crypto";
import { signRs256 } from "./compact-jwt.ts";
import type { IdentityDomainStore } from "./store.ts";
import { type OAuthAnswer, oauthError } from "./token-exchange.ts";

export function clientCredentialsToken(
  store: IdentityDomainStore,
  form: URLSearchParams,
  authorization: string | undefined,
  issuer: string,
): OAuthAnswer {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "")?.[1];
  const decoded = basic ? Buffer.from(basic, "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  const credential = colon < 0 ? undefined : store.credentials.get(decoded.slice(0, colon));
  if (!credential || credential.secret !== decoded.slice(colon + 1)) {
    return oauthError(401, "invalid_client", "Client authentication failed.");
  }
  if (form.get("grant_type") !== "client_credentials") {
    return oauthError(
      400,
      "unsupported_grant_type",
      `The grant type ${form.get("grant_type")} is not supported.`,
    );
  }
  const scopes = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
  if (scopes.length === 0) return oauthError(400, "invalid_scope", "scope is required.");
  const unknown = scopes.filter((scope) => !credential.scopes.includes(scope));
  if (unknown.length > 0) {
    return oauthError(
      400,
      "invalid_scope",
      `The requested scope is invalid, unknown, or malformed: ${unknown.join(" ")}.`,
    );
  }
  const iat = Math.floor(store.now().getTime() / 1000);
  const audiences = [...new Set(scopes.map(audienceOf))];
  const token = signRs256(
    {
      iss: issuer,
      sub: credential.id,
      aud: audiences.length === 1 ? audiences[0] : audiences,
      scope: scopes.join(" "),
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

/** `https://x.analytics.ocp.oraclecloud.comurn:opc:resource:consumer::all` → the part before `urn:`. */
export function audienceOf(scope: string): string {
  const index = scope.indexOf("urn:");
  return index > 0 ? scope.slice(0, index) : scope;
}
