// The OpenID Connect discovery documents. Endpoints point at the emulator; `issuer` is the real
// Entra issuer (MSAL accepts it because login.microsoftonline.com is a known Microsoft host, and it
// matches the `iss` of the tokens). The v1 document names the common JWKS, as Entra's does.
import { words } from "../word-list.ts";
import { issuerV1, issuerV2 } from "./access-token.ts";

const CLOUD = {
  tenant_region_scope: "EU",
  cloud_instance_name: "microsoftonline.com",
  cloud_graph_host_name: "graph.windows.net",
  msgraph_host: "graph.microsoft.com",
  rbac_url: "https://pas.windows.net",
};

const CLAIMS_SUPPORTED = words(`sub iss cloud_instance_name cloud_instance_host_name aud exp iat`);
const AUTH_METHODS = ["client_secret_post", "private_key_jwt", "client_secret_basic"];

export function openIdConfigurationV2(baseUrl: string, tenantId: string): Record<string, unknown> {
  const tenantBase = `${baseUrl}/${tenantId}`;
  return {
    token_endpoint: `${tenantBase}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    jwks_uri: `${tenantBase}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: issuerV2(tenantId),
    request_uri_parameter_supported: false,
    userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
    authorization_endpoint: `${tenantBase}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${tenantBase}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${tenantBase}/oauth2/v2.0/logout`,
    claims_supported: CLAIMS_SUPPORTED,
    ...CLOUD,
  };
}

export function openIdConfigurationV1(baseUrl: string, tenantId: string): Record<string, unknown> {
  const tenantBase = `${baseUrl}/${tenantId}`;
  return {
    token_endpoint: `${tenantBase}/oauth2/token`,
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    jwks_uri: `${baseUrl}/common/discovery/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${tenantBase}/oauth2/logout`,
    response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
    scopes_supported: ["openid"],
    issuer: issuerV1(tenantId),
    claims_supported: CLAIMS_SUPPORTED,
    microsoft_multi_refresh_token: true,
    check_session_iframe: `${tenantBase}/oauth2/checksession`,
    userinfo_endpoint: `${tenantBase}/openid/userinfo`,
    authorization_endpoint: `${tenantBase}/oauth2/authorize`,
    device_authorization_endpoint: `${tenantBase}/oauth2/devicecode`,
    ...CLOUD,
  };
}
