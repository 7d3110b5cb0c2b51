// Identity (https://identity.<region>.oci.oraclecloud.com/20160918). GetUser lets a step check
// that its credentials work and name the user before it deploys anything.
import { createHash } from "node:crypto";
import { notAuthorizedOrNotFound } from "../errors.ts";
import { type RouteContext, type RouteResponse, routeTable } from "../router.ts";
import type { User } from "../state.ts";

/** The User model of oci-identity, as the service serialises it (absent values are null). */
export function userModel(user: User): Record<string, unknown> {
  return {
    id: user.id,
    compartmentId: user.tenancyId,
    name: user.name,
    description: user.description,
    email: user.email,
    emailVerified: false,
    identityProviderId: null,
    externalIdentifier: null,
    timeCreated: user.timeCreated,
    lifecycleState: "ACTIVE",
    inactiveStatus: null,
    freeformTags: {},
    definedTags: {},
    capabilities: {
      canUseConsolePassword: true,
      canUseApiKeys: true,
      canUseAuthTokens: true,
      canUseSmtpCredentials: true,
      canUseDbCredentials: true,
      canUseCustomerSecretKeys: true,
      canUseOAuth2ClientCredentials: true,
    },
    isMfaActivated: false,
    lastSuccessfulLoginTime: null,
    previousSuccessfulLoginTime: null,
  };
}

function getUser(context: RouteContext): RouteResponse {
  const user = context.state.users.get(context.params.userId ?? "");
  // Users of another tenancy are indistinguishable from missing ones, as in OCI.
  if (!user || user.tenancyId !== context.caller?.tenancyId) throw notAuthorizedOrNotFound();
  return { status: 200, body: userModel(user), headers: { etag: etagOf(user) } };
}

function etagOf(user: User): string {
  return `"${createHash("sha256").update(`${user.id}:${user.timeCreated}`).digest("hex").slice(0, 32)}"`;
}

export const identityRoutes = routeTable([["GET", "/20160918/users/{userId}", "GetUser", getUser]]);
