// Unsigned routes under /_emulator/oci/ for callers outside the test process (the demo script,
// a developer with curl). They do what tests do through emulator.state in process. They are not
// part of any OCI API and are never signed: they only exist on the loopback emulator.
import { parseApiPublicKey } from "../api-key.ts";
import { invalidParameter, notAuthorizedOrNotFound } from "../errors.ts";
import { optionalString, parseJsonObject, requiredString } from "../json-body.ts";
import { type RouteContext, type RouteResponse, routeTable } from "../router.ts";

/** POST { publicKey, tenancyId?, name? } → { tenancyId, userId, fingerprint, namespace }. */
function createUser(context: RouteContext): RouteResponse {
  const { state } = context;
  const body = parseJsonObject(context.body);
  const publicKey = requiredString(body, "publicKey");
  const tenancyId = optionalString(body, "tenancyId");
  const name = optionalString(body, "name");
  // Validate the key before creating a tenancy, so a bad request leaves nothing behind.
  asInvalidParameter(() => parseApiPublicKey(publicKey));
  const tenancy = tenancyId === undefined ? state.createTenancy() : state.tenancies.get(tenancyId);
  if (!tenancy) throw notAuthorizedOrNotFound();
  const user = state.createUser({
    tenancyId: tenancy.id,
    publicKeyPem: publicKey,
    ...(name ? { name } : {}),
  });
  return {
    status: 200,
    body: {
      tenancyId: tenancy.id,
      userId: user.id,
      fingerprint: user.fingerprint,
      namespace: tenancy.namespace,
    },
  };
}

/** What a seeding call throws (a bad key, a clashing name) as the 400 an API would answer. */
function asInvalidParameter<T>(seed: () => T): T {
  try {
    return seed();
  } catch (error) {
    throw invalidParameter(error instanceof Error ? error.message : String(error));
  }
}

export const adminRoutes = routeTable([
  ["POST", "/_emulator/oci/users", "AdminCreateUser", createUser, { auth: "none" }],
]);
