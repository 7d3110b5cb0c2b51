// OAuth endpoints on the OCI emulator's single base URL (FNGATE_OCI_ENDPOINT serves every OCI
// service): an identity domain's /oauth2/v1/token (token exchange, JWT → UPST) and the regional
// auth service's /oauth2/token (client credentials) with the JWKS of the tokens it issues. They are
// OAuth endpoints, not signed OCI APIs: clients authenticate in the request itself.
import { clientCredentialsToken } from "../../oci-identity-domain/client-credentials.ts";
import { identityDomainOf } from "../../oci-identity-domain/store.ts";
import { exchangeToken, type OAuthAnswer, oauthError } from "../../oci-identity-domain/token-exchange.ts";
import { type RouteContext, type RouteResponse, routeTable } from "../router.ts";

function form(context: RouteContext): URLSearchParams | OAuthAnswer {
  const type = String(context.headers["content-type"] ?? "");
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return oauthError(400, "invalid_request", "The body must be application/x-www-form-urlencoded.");
  }
  return new URLSearchParams(context.body.toString("utf8"));
}

function answer(result: OAuthAnswer): RouteResponse {
  return { status: result.status, body: result.body, headers: { "cache-control": "no-store" } };
}

async function identityDomainToken(context: RouteContext): Promise<RouteResponse> {
  const body = form(context);
  if (!(body instanceof URLSearchParams)) return answer(body);
  const store = identityDomainOf(context.state, context.now);
  return answer(await exchangeToken(store, body, context.headers.authorization));
}

function clientCredentials(context: RouteContext): RouteResponse {
  const store = identityDomainOf(context.state, context.now);
  store.clientCredentialsBodies.push(context.body.toString("utf8"));
  const body = form(context);
  if (!(body instanceof URLSearchParams)) return answer(body);
  return answer(clientCredentialsToken(store, body, context.headers.authorization, context.runtime.baseUrl));
}

function jwks(context: RouteContext): RouteResponse {
  return { status: 200, body: identityDomainOf(context.state, context.now).oauthJwks() };
}

const none = { auth: "none" } as const;
export const identityDomainRoutes = routeTable([
  ["POST", "/oauth2/v1/token", "IdentityDomainToken", identityDomainToken, none],
  ["POST", "/oauth2/token", "OAuth2ClientCredentialsToken", clientCredentials, none],
  ["GET", "/oauth2/jwks", "OAuth2Jwks", jwks, none],
]);
