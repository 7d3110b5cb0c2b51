import { UserError } from "../../errors.ts";
import { entraIssuers } from "../../identity/entra-issuers.ts";
import { type RequiredClaim, readRequiredClaims } from "./gateway-claims-input.ts";

/**
 * The TOKEN_AUTHENTICATION settings gateway-deploy writes: a remote JWKS plus issuer, audience and
 * required-claim checks.
 */
export interface DesiredAuth {
  jwksUri: string;
  maxCacheDurationInHours: number;
  issuers: string[];
  audiences: string[];
  /** The policy's verifyClaims; empty when none are required. */
  verifyClaims: RequiredClaim[];
  tokenHeader: string;
  tokenAuthScheme: string;
  maxClockSkewInSeconds: number;
  isAnonymousAccessAllowed: boolean;
}

export interface AuthInputs {
  jwksUri?: string | undefined;
  entraTenantId?: string | undefined;
  authorityHost?: string | undefined;
  /** Newline- or comma-separated. */
  issuers?: string | undefined;
  audiences?: string | undefined;
  /** One claim=value[,value…] per line. */
  requiredClaims?: string | undefined;
  tokenHeader?: string | undefined;
  tokenScheme?: string | undefined;
  maxClockSkew?: string | undefined;
  jwksCacheHours?: string | undefined;
  allowAnonymous: boolean;
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/**
 * OCI's limit for maxClockSkewInSeconds: "The minimum (and default) is 0, the maximum is 120."
 * https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-usinjson.htm
 */
export const MAX_CLOCK_SKEW_SECONDS = 120;
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The authentication policy the inputs ask for, or undefined when they name no key source (then an
 * existing policy is kept). Refuses what would leave the API open by accident: a plain-http JWKS
 * (keys an attacker on the path could swap), a JWKS without issuers (a key set shared by many
 * issuers, as Entra's is by every tenant, would let any of them in) and an empty audience list (any
 * token of the issuer would pass, whatever API it was minted for).
 */
export function readAuth(inputs: AuthInputs): DesiredAuth | undefined {
  const issuers = list(inputs.issuers);
  const audiences = list(inputs.audiences);
  const verifyClaims = readRequiredClaims(inputs.requiredClaims);
  const cacheHours = integer(inputs.jwksCacheHours, "jwks-cache-hours", 1, 24, 1);
  const skew = integer(inputs.maxClockSkew, "max-clock-skew", 0, MAX_CLOCK_SKEW_SECONDS, 0);
  const tokenHeader = (inputs.tokenHeader ?? "Authorization").trim();
  const tokenAuthScheme = (inputs.tokenScheme ?? "Bearer").trim();
  if (!TOKEN.test(tokenHeader))
    throw new UserError(`token-header ${JSON.stringify(tokenHeader)} is not a valid header name.`);
  if (!TOKEN.test(tokenAuthScheme)) {
    throw new UserError(
      `token-scheme ${JSON.stringify(tokenAuthScheme)} is not a valid scheme (such as Bearer).`,
    );
  }
  if (inputs.jwksUri !== undefined && inputs.entraTenantId !== undefined) {
    throw new UserError(
      "set jwks-uri or entra-tenant-id, not both: entra-tenant-id already names the tenant's JWKS.",
    );
  }
  let jwksUri: string;
  let defaultIssuers: string[] = [];
  if (inputs.entraTenantId !== undefined) {
    const tenantId = inputs.entraTenantId.trim();
    if (!TENANT_ID.test(tenantId)) {
      throw new UserError(
        `entra-tenant-id must be the tenant's GUID (Directory ID); got ${JSON.stringify(tenantId.slice(0, 40))}.`,
      );
    }
    const host = authorityHost(inputs.authorityHost);
    jwksUri = `https://${host}/${tenantId}/discovery/v2.0/keys`;
    // Entra signs v1 and v2 tokens with the same keys but names itself differently in each; which one a
    // caller gets depends on the API app's manifest, so both are accepted unless issuers says otherwise.
    const { v1, v2 } = entraIssuers(tenantId);
    defaultIssuers = [v1, v2];
    // A sovereign cloud's v2 tokens name its own login host; a loopback or IP authority (a proxy or a
    // test stand-in) issues under the public names above.
    const sovereign = entraIssuers(tenantId, host).v2;
    if (sovereign !== v2 && !/:|^[0-9.]+$/.test(host)) defaultIssuers.push(sovereign);
  } else if (inputs.jwksUri !== undefined) {
    jwksUri = checkJwksUri(inputs.jwksUri.trim());
    if (issuers.length === 0) {
      throw new UserError(
        "issuers is required with jwks-uri: list the iss of the tokens to accept, or use entra-tenant-id for Microsoft Entra ID (it sets both issuer forms); Entra signs every tenant's tokens with the same keys, so without issuers any tenant's token would pass.",
      );
    }
  } else {
    if (issuers.length > 0 || audiences.length > 0 || verifyClaims.length > 0) {
      throw new UserError(
        "issuers, audiences and required-claims need a key source: set jwks-uri, or entra-tenant-id for Microsoft Entra ID.",
      );
    }
    return undefined;
  }
  const effectiveIssuers = issuers.length > 0 ? issuers : defaultIssuers;
  if (audiences.length === 0 && !inputs.allowAnonymous) {
    throw new UserError(
      "audiences is required: list the API's audience (its Application ID URI, e.g. api://my-api, and/or its client id), or any token of the issuer would pass.",
    );
  }
  return {
    jwksUri,
    maxCacheDurationInHours: cacheHours,
    issuers: effectiveIssuers,
    audiences,
    verifyClaims,
    tokenHeader,
    tokenAuthScheme,
    maxClockSkewInSeconds: skew,
    isAnonymousAccessAllowed: inputs.allowAnonymous,
  };
}

function checkJwksUri(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`jwks-uri ${JSON.stringify(value.slice(0, 80))} is not a URL.`);
  }
  if (url.protocol !== "https:") {
    throw new UserError(
      `jwks-uri must be an https:// URL: keys fetched over ${url.protocol}// could be replaced in transit.`,
    );
  }
  return value;
}

function authorityHost(value: string | undefined): string {
  const host = (value ?? "login.microsoftonline.com")
    .trim()
    .replace(/^https:\/\//, "")
    .replace(/\/+$/, "");
  if (!/^[A-Za-z0-9.-]+(:[0-9]+)?$/.test(host)) {
    throw new UserError(
      `authority-host ${JSON.stringify(host.slice(0, 60))} must be a host name such as login.microsoftonline.com.`,
    );
  }
  return host;
}

/** A list input: one entry per line or comma-separated, blanks ignored. */
export function list(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [
    ...new Set(
      value
        .split(/[\n,]/)
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),
  ];
}

function integer(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const text = value.trim();
  const number = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(number >= min && number <= max)) {
    throw new UserError(
      `${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(text.slice(0, 20))}.`,
    );
  }
  return number;
}
