// Object Storage (https://objectstorage.<region>.oraclecloud.com). GetNamespace is how the suite
// learns the tenancy namespace for OCIR image paths (<region>.ocir.io/<namespace>/<repo>).
import { notAuthorizedOrNotFound } from "../errors.ts";
import { type RouteContext, type RouteResponse, routeTable } from "../router.ts";

function getNamespace(context: RouteContext): RouteResponse {
  const caller = context.caller;
  if (!caller) throw notAuthorizedOrNotFound();
  // compartmentId may name the caller's tenancy (or, later, one of its compartments); anything
  // else is hidden behind the usual 404.
  const compartmentId = context.query.get("compartmentId") ?? caller.tenancyId;
  const tenancy = context.state.tenancies.get(compartmentId);
  if (!tenancy || tenancy.id !== caller.tenancyId) throw notAuthorizedOrNotFound();
  // The body is a bare JSON string, e.g. "axabcdefghij".
  return { status: 200, body: tenancy.namespace };
}

// The SDK calls GET /n; curl users and older SDKs call GET /n/. OCI answers both.
export const objectStorageRoutes = routeTable([
  ["GET", "/n", "GetNamespace", getNamespace],
  ["GET", "/n/", "GetNamespace", getNamespace],
]);
