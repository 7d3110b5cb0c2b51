import { judgeJwks, MAX_JWKS_KEYS } from "../oci/gateway/remote-jwks-rules.ts";
import { type CheckRow, cannotTell, missing, ok } from "./check-row.ts";
import { fetchPublicJson } from "./fetch-json.ts";

export const JWKS = "remote JWKS";

/**
 * The JWKS the gateway will validate tokens with, fetched over HTTPS as the gateway fetches it and held
 * to OCI's rules (src/oci/gateway/remote-jwks-rules.ts). A set the gateway cannot use refuses every token, so
 * that blocks; ignored keys beside usable ones are a warning.
 */
export async function checkJwks(jwksUri: string, signal?: AbortSignal): Promise<CheckRow> {
  if (!jwksUri.startsWith("https://")) {
    return missing(
      JWKS,
      `${jwksUri} is not an https:// URL`,
      "serve the JWKS over HTTPS and set jwks-uri to it",
      true,
    );
  }
  const fetched = await fetchPublicJson(jwksUri, signal);
  if (!fetched.ok) {
    if (fetched.status !== undefined) {
      return missing(
        JWKS,
        `GET ${jwksUri} answered ${fetched.why}: the gateway could not load keys and would refuse every token`,
        "fix jwks-uri (for Microsoft Entra ID set entra-tenant-id instead)",
        true,
      );
    }
    return cannotTell(
      JWKS,
      `GET ${jwksUri} failed from here (${fetched.why})`,
      "check that the URL is public and its certificate is issued by a public CA",
    );
  }
  const verdict = judgeJwks(fetched.json);
  const ignored = verdict.ignored.map((key) => `${key.kid} (${key.why})`).join(", ");
  if (verdict.fatal) {
    const fix =
      verdict.keyCount > MAX_JWKS_KEYS
        ? `serve at most ${MAX_JWKS_KEYS} keys at this URL (retire old signing keys at the issuer), or point jwks-uri at a JWKS that holds only the signing keys`
        : "publish the RSA signing key (2048-4096 bits, with kid) in the JWKS";
    return missing(
      JWKS,
      `${jwksUri}: ${verdict.fatal}${ignored ? `; not usable: ${ignored}` : ""}`,
      fix,
      true,
    );
  }
  if (ignored) {
    return missing(
      JWKS,
      `${jwksUri}: ${verdict.usable.length} usable key(s); the gateway ignores ${ignored}`,
      "tokens signed with an ignored key will be refused; sign with an RSA key of 2048-4096 bits (RS256, RS384 or RS512)",
      false,
    );
  }
  return ok(JWKS, `${jwksUri}: ${verdict.keyCount} RSA key(s), within OCI's limit of ${MAX_JWKS_KEYS}`);
}
