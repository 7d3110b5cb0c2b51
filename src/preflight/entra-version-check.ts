import type { TokenClaims } from "../entra/token-claims.ts";
import { entraIssuers } from "../identity/entra-issuers.ts";
import { type CheckRow, cannotTell, missing, ok } from "./check-row.ts";

export const ENTRA_VERSION = "Entra token version (v1/v2)";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface VersionScene {
  tenantId: string;
  authorityHost: string;
  /** What the gateway will accept. */
  issuers: string[];
  audiences: string[];
  /** The token the entra-token stage gets (requested by preflight), or one given to check. */
  token?: TokenClaims;
}

/**
 * The API app's accessTokenAcceptedVersion decides the token: v1 carries iss https://sts.windows.net/<tid>/
 * and aud the Application ID URI (or client id) that was asked for; v2 carries
 * iss https://<login host>/<tid>/v2.0 and always the API's client id as aud
 * (https://learn.microsoft.com/entra/identity-platform/access-tokens). With a token the check is exact;
 * without one, a gateway that accepts neither form is a sure miss, one that accepts only one form is a
 * warning naming the manifest value the API app must have.
 */
export function checkEntraVersion(scene: VersionScene): CheckRow {
  const { v1, v2 } = entraIssuers(scene.tenantId, "login.microsoftonline.com");
  const sovereign = entraIssuers(scene.tenantId, scene.authorityHost).v2;
  const acceptsV1 = scene.issuers.length === 0 || scene.issuers.includes(v1);
  const v2Issuer =
    scene.issuers.length === 0 || scene.issuers.includes(v2) || scene.issuers.includes(sovereign);
  const guidAudience = scene.audiences.some((audience) => GUID.test(audience));
  const acceptsV2 = v2Issuer && (scene.audiences.length === 0 || guidAudience);
  const token = scene.token;
  if (token) {
    const version =
      token.version === "2.0" ? "v2" : token.version === "1.0" ? "v1" : `version ${token.version}`;
    const issuerOk = scene.issuers.length === 0 || scene.issuers.includes(token.issuer);
    const audienceOk = scene.audiences.length === 0 || scene.audiences.includes(token.audience);
    if (issuerOk && audienceOk) {
      return ok(
        ENTRA_VERSION,
        `the token is ${version} (iss ${token.issuer}, aud ${token.audience}) and the gateway accepts both`,
      );
    }
    const wrong = !issuerOk ? `iss ${token.issuer}` : `aud ${token.audience}`;
    const fix =
      token.version === "1.0"
        ? `set "accessTokenAcceptedVersion": 2 in the API app's manifest (Entra admin center → App registrations → <API app> → Manifest) and audiences to its client id, or accept v1: issuers ${v1} and audiences ${token.audience}`
        : `set "accessTokenAcceptedVersion": 1 (or null) in the API app's manifest, or accept v2: issuers ${token.issuer} and audiences ${token.audience}`;
    return missing(
      ENTRA_VERSION,
      `the entra-token stage gets a ${version} token with ${wrong}, which the gateway does not accept (issuers ${scene.issuers.join(", ") || "any"}; audiences ${scene.audiences.join(", ") || "any"}): every call would be a 401`,
      fix,
      true,
    );
  }
  if (!acceptsV1 && !acceptsV2) {
    return missing(
      ENTRA_VERSION,
      `the gateway accepts only the v2 issuer but no client-id audience: v2 tokens always carry the API app's client id as aud, so no Entra token would pass`,
      `add the API app's Application (client) ID to audiences, or accept v1 tokens (issuer ${v1}) with "accessTokenAcceptedVersion": 1`,
      true,
    );
  }
  if (acceptsV1 && acceptsV2) return ok(ENTRA_VERSION, "the gateway accepts v1 and v2 tokens");
  const only = acceptsV1 ? "v1" : "v2";
  return cannotTell(
    ENTRA_VERSION,
    `the gateway accepts only ${only} tokens; without a token it cannot be told which version the API app issues`,
    `make sure the API app's manifest has "accessTokenAcceptedVersion": ${acceptsV1 ? "1 (or null)" : "2"} (Entra admin center → App registrations → <API app> → Manifest), or give preflight a token to check`,
  );
}
