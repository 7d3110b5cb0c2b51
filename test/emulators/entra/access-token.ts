// App-only access tokens with the claims real Entra puts in them. v1 and v2 differ in issuer,
// audience (the requested resource vs the API's appId) and the client claims (appid/appidacr vs
// azp/azpacr); gateways validate exactly these, so they must not drift from the real service.
import { randomBytes } from "node:crypto";
import type { JWTPayload } from "jose";
import type { SigningKeys } from "./signing-keys.ts";

export function issuerV1(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export function issuerV2(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

export interface AccessTokenInput {
  tenantId: string;
  version: 1 | 2;
  /** v1: the resource as requested (Application ID URI or appId); v2: the API's appId. */
  audience: string;
  clientAppId: string;
  /** The client's service principal object id (`oid` and `sub`). */
  clientServicePrincipalId: string;
  roles: string[];
  /** "1" client secret, "2" certificate or federated assertion. */
  clientAuthMethod: "1" | "2";
  lifetimeSeconds: number;
  now: Date;
}

// Entra backdates iat/nbf by five minutes to absorb clock skew between it and resource servers.
const BACKDATE_SECONDS = 300;

export function accessTokenClaims(input: AccessTokenInput): JWTPayload {
  const now = Math.floor(input.now.getTime() / 1000);
  const common = {
    aud: input.audience,
    iss: input.version === 1 ? issuerV1(input.tenantId) : issuerV2(input.tenantId),
    iat: now - BACKDATE_SECONDS,
    nbf: now - BACKDATE_SECONDS,
    exp: now + input.lifetimeSeconds,
    aio: opaque(40),
  };
  const client =
    input.version === 1
      ? { appid: input.clientAppId, appidacr: input.clientAuthMethod }
      : { azp: input.clientAppId, azpacr: input.clientAuthMethod };
  return {
    ...common,
    ...client,
    idp: issuerV1(input.tenantId),
    oid: input.clientServicePrincipalId,
    rh: `0.${opaque(60)}.`,
    // Entra leaves the claim out rather than sending an empty list.
    ...(input.roles.length > 0 ? { roles: [...input.roles] } : {}),
    sub: input.clientServicePrincipalId,
    tid: input.tenantId,
    uti: opaque(22),
    ver: input.version === 1 ? "1.0" : "2.0",
  };
}

/** Signs with the current key; v1 tokens also carry x5t (equal to kid), as Entra's do. */
export async function signAccessToken(
  keys: SigningKeys,
  claims: JWTPayload,
  version: 1 | 2,
  kid = keys.currentKid,
): Promise<string> {
  const key = keys.find(kid);
  if (!key) throw new Error(`no published key ${kid}`);
  return keys.sign(claims, version === 1 ? { x5t: key.cert.x5t } : {}, kid);
}

function opaque(length: number): string {
  return randomBytes(length).toString("base64url").slice(0, length);
}
