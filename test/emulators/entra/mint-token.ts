// Tokens minted directly, without a token request: what gateway tests need to present expired,
// not-yet-valid, wrong-audience, wrong-issuer or foreign-key tokens. They start from the claims the
// token endpoint would issue and apply overrides, so only the tested property differs.
import { randomUUID } from "node:crypto";
import type { JWTPayload } from "jose";
import { accessTokenClaims, signAccessToken } from "./access-token.ts";
import type { Directory } from "./directory.ts";
import { SigningKeys } from "./signing-keys.ts";

export interface MintTokenInput {
  tenantId: string;
  /** The API app (Application ID URI or appId); sets the version and audience it would get. */
  resource?: string;
  /** Default: the resource app's accessTokenAcceptedVersion, else 1. */
  version?: 1 | 2;
  /** A registered client app gives its service principal id; an unknown one gets a random id. */
  clientAppId?: string;
  /** Default: the client's role assignments on the resource. */
  roles?: string[];
  lifetimeSeconds?: number;
  /** The issue time; default the emulator's clock. */
  issuedAt?: Date;
  /** Replace claims; a value of `undefined` removes the claim. */
  overrides?: Record<string, unknown>;
  /** "current" (default), a published kid (e.g. one about to be retired), or "foreign": a key never published. */
  signWith?: string;
}

export async function mintAccessToken(
  directory: Directory,
  keys: SigningKeys,
  input: MintTokenInput,
  defaults: { now: Date; lifetimeSeconds: number },
): Promise<string> {
  const tenant = directory.tenant(input.tenantId);
  const resource = tenant && input.resource ? directory.findResource(tenant, input.resource) : undefined;
  const client = input.clientAppId ? tenant?.apps.get(input.clientAppId) : undefined;
  const version = input.version ?? resource?.accessTokenAcceptedVersion ?? 1;
  const audience =
    version === 1 ? (input.resource ?? "api://unknown") : (resource?.appId ?? input.resource ?? "");
  const roles =
    input.roles ??
    (client && resource
      ? client.roleAssignments.filter((a) => a.resourceAppId === resource.appId).map((a) => a.role)
      : []);
  const claims: JWTPayload = accessTokenClaims({
    tenantId: input.tenantId,
    version,
    audience,
    clientAppId: input.clientAppId ?? randomUUID(),
    clientServicePrincipalId: client?.servicePrincipalId ?? randomUUID(),
    roles,
    clientAuthMethod: "1",
    lifetimeSeconds: input.lifetimeSeconds ?? defaults.lifetimeSeconds,
    now: input.issuedAt ?? defaults.now,
  });
  for (const [name, value] of Object.entries(input.overrides ?? {})) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  if (input.signWith === "foreign") {
    // Same shape as Entra's keys (kid = x5t of a certificate), but absent from every JWKS served.
    const foreign = await SigningKeys.create("accounts.accesscontrol.windows.net", 1);
    return signAccessToken(foreign, claims, version);
  }
  const kid = input.signWith === undefined || input.signWith === "current" ? keys.currentKid : input.signWith;
  return signAccessToken(keys, claims, version, kid);
}
