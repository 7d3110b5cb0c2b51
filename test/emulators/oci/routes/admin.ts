// Unsigned routes under /_emulator/oci/ for callers outside the test process (the demo script,
// a developer with curl). They do what tests do through emulator.state in process. They are not
// part of any OCI API and are never signed: they only exist on the loopback emulator.
import { parseApiPublicKey } from "../api-key.ts";
import { gatewayModel } from "../apigateway-records.ts";
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

/** POST { compartmentId, displayName? } → the Gateway model, as state.createGateway seeds it. */
function createGateway(context: RouteContext): RouteResponse {
  const body = parseJsonObject(context.body);
  const compartmentId = requiredString(body, "compartmentId");
  const displayName = optionalString(body, "displayName");
  if (!context.state.tenancyOfCompartment(compartmentId)) throw notAuthorizedOrNotFound();
  const gateway = context.state.createGateway({ compartmentId, ...(displayName ? { displayName } : {}) });
  return { status: 200, body: gatewayModel(gateway) };
}

/** POST { parentId, name } → { id }: a compartment below a tenancy or another compartment. */
function createCompartment(context: RouteContext): RouteResponse {
  const body = parseJsonObject(context.body);
  const parentId = requiredString(body, "parentId");
  const name = requiredString(body, "name");
  if (!context.state.tenancyOfCompartment(parentId)) throw notAuthorizedOrNotFound();
  const { id } = asInvalidParameter(() => context.state.createCompartment({ parentId, name }));
  return { status: 200, body: { id } };
}

/** POST { compartmentId, name, statements: string[] } → { id }: an IAM policy, statements as written. */
function createPolicy(context: RouteContext): RouteResponse {
  const body = parseJsonObject(context.body);
  const compartmentId = requiredString(body, "compartmentId");
  const name = requiredString(body, "name");
  const statements = body.statements;
  if (!Array.isArray(statements) || !statements.every((item) => typeof item === "string")) {
    throw invalidParameter("statements must be a list of strings.");
  }
  if (!context.state.tenancyOfCompartment(compartmentId)) throw notAuthorizedOrNotFound();
  const { id } = asInvalidParameter(() => context.state.createPolicy({ compartmentId, name, statements }));
  return { status: 200, body: { id } };
}

/** What a seeding call throws (a bad key, a clashing name) as the 400 an API would answer. */
function asInvalidParameter<T>(seed: () => T): T {
  try {
    return seed();
  } catch (error) {
    throw invalidParameter(error instanceof Error ? error.message : String(error));
  }
}

function dumpState(context: RouteContext): RouteResponse {
  return { status: 200, body: context.state.snapshot() };
}

export const adminRoutes = routeTable([
  ["POST", "/_emulator/oci/users", "AdminCreateUser", createUser, { auth: "none" }],
  ["POST", "/_emulator/oci/gateways", "AdminCreateGateway", createGateway, { auth: "none" }],
  ["POST", "/_emulator/oci/compartments", "AdminCreateCompartment", createCompartment, { auth: "none" }],
  ["POST", "/_emulator/oci/policies", "AdminCreatePolicy", createPolicy, { auth: "none" }],
  ["GET", "/_emulator/oci/state", "AdminDumpState", dumpState, { auth: "none" }],
]);
