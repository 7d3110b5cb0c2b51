// POST /{tenant}/oauth2/v2.0/token for the client credentials grant, in Entra's order: parameters,
// tenant, client, client authentication, then the `<resource>/.default` scope and its resource app.
// The token's version follows the resource app's accessTokenAcceptedVersion, as Entra does.
import { words } from "../word-list.ts";
import { accessTokenClaims, signAccessToken } from "./access-token.ts";
import { authenticateClient } from "./client-auth.ts";
import type { Directory } from "./directory.ts";
import { aad } from "./errors.ts";
import type { FederatedVerifier } from "./federated-verifier.ts";
import type { SigningKeys } from "./signing-keys.ts";

export interface TokenRequestContext {
  tenant: string;
  form: URLSearchParams;
  directory: Directory;
  keys: SigningKeys;
  federated: FederatedVerifier;
  /** https://127.0.0.1:<port>, for the audiences a certificate assertion may name. */
  baseUrl: string;
  lifetimeSeconds: number;
  now: Date;
}

export interface TokenResponse {
  token_type: "Bearer";
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
}

/** Parameters Entra reads once; a repeated one makes the request malformed. */
const SINGLE_VALUED = words(
  `grant_type client_id scope client_secret client_assertion client_assertion_type`,
);

export async function handleTokenRequest(context: TokenRequestContext): Promise<TokenResponse> {
  const { form } = context;
  for (const name of SINGLE_VALUED) if (form.getAll(name).length > 1) throw aad.malformed();
  const grantType = form.get("grant_type");
  if (!grantType) throw aad.missingParameter("grant_type");
  if (grantType !== "client_credentials") throw aad.unsupportedGrant(grantType);

  const tenant = context.directory.tenant(context.tenant);
  if (!tenant) throw aad.tenantNotFound(context.tenant);
  const clientId = form.get("client_id");
  if (!clientId) throw aad.missingParameter("client_id");
  const scope = form.get("scope");
  if (!scope) throw aad.missingParameter("scope");
  const app = tenant.apps.get(clientId.toLowerCase());
  if (!app) throw aad.clientNotFound(clientId, tenant.id);

  const tenantBase = `${context.baseUrl}/${context.tenant}`;
  const authMethod = await authenticateClient({
    app,
    form,
    assertionAudiences: [`${tenantBase}/oauth2/v2.0/token`, `${tenantBase}/oauth2/token`],
    federated: context.federated,
    now: context.now,
  });

  const scopes = scope.split(" ").filter((item) => item !== "");
  const only = scopes[0];
  if (scopes.length !== 1 || only === undefined || !only.endsWith("/.default")) throw aad.invalidScope(scope);
  const resourceName = only.slice(0, -"/.default".length);
  const resource = context.directory.findResource(tenant, resourceName);
  if (!resource) throw aad.resourceNotFound(resourceName, tenant.id);

  const roles = app.roleAssignments
    .filter((assignment) => assignment.resourceAppId === resource.appId)
    .map((assignment) => assignment.role);
  const version = resource.accessTokenAcceptedVersion;
  const claims = accessTokenClaims({
    tenantId: tenant.id,
    version,
    audience: version === 1 ? resourceName : resource.appId,
    clientAppId: app.appId,
    clientServicePrincipalId: app.servicePrincipalId,
    roles,
    clientAuthMethod: authMethod,
    lifetimeSeconds: context.lifetimeSeconds,
    now: context.now,
  });
  return {
    token_type: "Bearer",
    expires_in: context.lifetimeSeconds,
    ext_expires_in: context.lifetimeSeconds,
    access_token: await signAccessToken(context.keys, claims, version),
  };
}
