import { type CheckRow, cannotTell, missing, ok } from "./check-row.ts";
import { fetchPublicJson } from "./fetch-json.ts";

export const ISSUERS = "token issuers";

export interface IssuerSource {
  /** The issuers the gateway will accept (iss must be one of them); empty when it does not check. */
  issuers: string[];
  jwksUri: string;
  /** For Microsoft Entra ID: the tenant and login host whose discovery documents name both issuers. */
  entra?: { tenantId: string; authorityHost: string };
}

interface Discovered {
  url: string;
  issuer?: string;
  jwksUri?: string;
  why?: string;
}

/**
 * The issuers the gateway will accept, against the issuer the provider's OpenID configuration
 * advertises (OpenID Connect Discovery: `<issuer>/.well-known/openid-configuration` names the issuer
 * exactly as tokens carry it). For Entra both documents are read, v2.0 and v1, since the API app's
 * accessTokenAcceptedVersion decides which issuer its tokens carry. None matching blocks: every token
 * would be refused.
 */
export async function checkIssuers(source: IssuerSource, signal?: AbortSignal): Promise<CheckRow> {
  if (source.issuers.length === 0) {
    return ok(ISSUERS, "the gateway does not check iss (no issuers configured)");
  }
  const documents = source.entra
    ? [
        `https://${source.entra.authorityHost}/${source.entra.tenantId}/v2.0/.well-known/openid-configuration`,
        `https://${source.entra.authorityHost}/${source.entra.tenantId}/.well-known/openid-configuration`,
      ]
    : source.issuers.map((issuer) => `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`);
  const found = await Promise.all(documents.map((url) => discover(url, signal)));
  const advertised = found.flatMap((doc) => (doc.issuer ? [doc.issuer] : []));
  if (advertised.length === 0) {
    return cannotTell(
      ISSUERS,
      `no OpenID configuration could be read (${found.map((doc) => `${doc.url}: ${doc.why}`).join("; ")})`,
      "make sure issuers holds the iss claim of your tokens exactly",
    );
  }
  const accepted = source.issuers.filter((issuer) => advertised.includes(issuer));
  const unknown = source.issuers.filter((issuer) => !advertised.includes(issuer));
  // Entra's v1 document names the common JWKS, which holds the same keys as the tenant's: not compared.
  const keys = source.entra
    ? undefined
    : found.find((doc) => doc.issuer && accepted.includes(doc.issuer))?.jwksUri;
  const otherKeys =
    keys && keys !== source.jwksUri ? `; its jwks_uri is ${keys}, the gateway reads ${source.jwksUri}` : "";
  if (accepted.length === 0) {
    return missing(
      ISSUERS,
      `the provider names itself ${advertised.join(" and ")}, but the gateway accepts only ${source.issuers.join(", ")}: every token would be refused`,
      `set issuers to ${advertised.join(", ")}${source.entra ? " (or leave issuers unset: entra-tenant-id accepts both Entra forms)" : ""}`,
      true,
    );
  }
  if (unknown.length > 0 && !source.entra) {
    return missing(
      ISSUERS,
      `${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not what the provider advertises (${advertised.join(", ")})${otherKeys}`,
      "remove or correct that issuer: iss is compared exactly, trailing slash included",
      false,
    );
  }
  const spare = unknown.length > 0 ? `; also accepts ${unknown.join(", ")}` : "";
  return otherKeys
    ? missing(
        ISSUERS,
        `${accepted.join(", ")} advertised by the provider${otherKeys}`,
        "set jwks-uri to the provider's jwks_uri",
        false,
      )
    : ok(ISSUERS, `${accepted.join(", ")} advertised by the provider's OpenID configuration${spare}`);
}

async function discover(url: string, signal?: AbortSignal): Promise<Discovered> {
  const fetched = await fetchPublicJson(url, signal);
  if (!fetched.ok) return { url, why: fetched.why };
  const document = fetched.json as { issuer?: unknown; jwks_uri?: unknown };
  if (typeof document.issuer !== "string") return { url, why: "no issuer in it" };
  return {
    url,
    issuer: document.issuer,
    ...(typeof document.jwks_uri === "string" ? { jwksUri: document.jwks_uri } : {}),
  };
}
