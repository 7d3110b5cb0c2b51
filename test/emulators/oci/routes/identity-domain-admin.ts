// Unsigned routes under /_emulator/identity-domain/ for callers outside the test process (the demo, a
// developer with curl): they set up what an identity domain administrator would (an OAuth client, an
// identity propagation trust, an OAuth 2.0 client credential), as tests do in process through
// identityDomainOf(state). Never part of any OCI API.
import {
  type CredentialScope,
  identityDomainOf,
  type PropagationTrust,
  TOKEN_EXCHANGE_GRANT,
} from "../../oci-identity-domain/store.ts";
import { optionalStringArray } from "../body-fields.ts";
import { invalidParameter, notAuthorizedOrNotFound } from "../errors.ts";
import { parseJsonObject, requiredString } from "../json-body.ts";
import { type RouteContext, type RouteResponse, routeTable } from "../router.ts";

/** POST { clientId, clientSecret, grantTypes? } → the client: a confidential integrated application. */
function addClient(context: RouteContext): RouteResponse {
  const body = parseJsonObject(context.body);
  const client = identityDomainOf(context.state, context.now).addClient({
    clientId: requiredString(body, "clientId"),
    clientSecret: requiredString(body, "clientSecret"),
    grantTypes: optionalStringArray(body, "grantTypes") ?? ["client_credentials", TOKEN_EXCHANGE_GRANT],
  });
  return { status: 200, body: { clientId: client.clientId, grantTypes: client.grantTypes } };
}

/** POST { issuer, jwks, audiences, clientIds, rules: [{subject, userId}], tenancyId } → 204. */
function addTrust(context: RouteContext): RouteResponse {
  const body = parseJsonObject(context.body);
  const tenancyId = requiredString(body, "tenancyId");
  if (!context.state.tenancies.has(tenancyId)) throw notAuthorizedOrNotFound();
  const jwks = body.jwks as PropagationTrust["jwks"] | undefined;
  if (!jwks || !Array.isArray(jwks.keys)) throw invalidParameter("jwks must be a JWKS ({keys: [...]}).");
  const rules = body.rules as PropagationTrust["rules"] | undefined;
  if (
    !Array.isArray(rules) ||
    rules.some((r) => typeof r?.subject !== "string" || typeof r?.userId !== "string")
  ) {
    throw invalidParameter("rules must be a list of {subject, userId}.");
  }
  identityDomainOf(context.state, context.now).addTrust({
    issuer: requiredString(body, "issuer"),
    jwks,
    audiences: optionalStringArray(body, "audiences") ?? [],
    clientIds: optionalStringArray(body, "clientIds") ?? [],
    rules,
    tenancyId,
  });
  return { status: 204 };
}

/** POST { tenancyId, scopes: [{audience, scope}] } → { id, secret }: an OAuth 2.0 client credential. */
function addCredential(context: RouteContext): RouteResponse {
  const body = parseJsonObject(context.body);
  const tenancyId = requiredString(body, "tenancyId");
  if (!context.state.tenancies.has(tenancyId)) throw notAuthorizedOrNotFound();
  const scopes = body.scopes ?? [];
  if (
    !Array.isArray(scopes) ||
    scopes.some((pair) => typeof pair?.audience !== "string" || typeof pair?.scope !== "string")
  ) {
    throw invalidParameter("scopes must be a list of {audience, scope}.");
  }
  const credential = identityDomainOf(context.state, context.now).addCredential({
    tenancyId,
    scopes: scopes as CredentialScope[],
  });
  return { status: 200, body: { id: credential.id, secret: credential.secret } };
}

export const identityDomainAdminRoutes = routeTable([
  ["POST", "/_emulator/identity-domain/clients", "AdminAddClient", addClient, { auth: "none" }],
  ["POST", "/_emulator/identity-domain/trusts", "AdminAddTrust", addTrust, { auth: "none" }],
  ["POST", "/_emulator/identity-domain/credentials", "AdminAddCredential", addCredential, { auth: "none" }],
]);
