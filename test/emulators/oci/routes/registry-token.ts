// OCIR's token endpoint, https://<registry host>/20180419/docker/token, on the emulator's single base
// URL. A request signed like any OCI call (API key or ST$ session; verified by the server before the
// handler runs) gets a login token for the caller's tenancy; a request with Basic credentials is the
// token realm of the registry (see registry-tokens.ts for both and the pages they follow).
import { notAuthenticated } from "../errors.ts";
import { type RouteContext, type RouteResponse, routeTable } from "../router.ts";

function dockerToken(context: RouteContext): RouteResponse {
  const authorization = String(context.headers.authorization ?? "");
  if (/^Basic\s/i.test(authorization))
    return context.runtime.registryTokens.realm(authorization, context.query);
  if (!context.caller) throw notAuthenticated("no signature and no Basic credentials");
  return context.runtime.registryTokens.issueLoginToken(context.caller);
}

export const registryTokenRoutes = routeTable([
  ["GET", "/20180419/docker/token", "GetRegistryToken", dockerToken, { auth: "signed-or-basic" }],
]);
