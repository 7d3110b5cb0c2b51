import { unverifiedClaims } from "../oci/auth/jwt-claims.ts";
import { fullyQualifiedScopes as qualifyScopes } from "../oci/auth/oauth2-scopes.ts";
import { requestOAuth2Token } from "../oci/auth/oauth2-token.ts";
import { requireOcid } from "../oci/ocid.ts";
import { resolveRegion } from "../oci/region.ts";
import type { StepContext } from "../step-context.ts";

export interface OciTokenInputs {
  credentialOcid: string;
  credentialSecret: string;
  region: string;
  /** Scopes as given: fully qualified (`<audience>-<scope>`), or short and qualified with `audience`. */
  scopes: string[];
  audience?: string;
}

export interface OciTokenResult {
  accessToken: string;
  tokenType: string;
  expiresInSeconds: number;
  expiresOn: Date;
  /** The fully qualified scopes requested. */
  scopes: string[];
  /** Non-secret claims, when the token is a JWT. */
  claims: { issuer?: string; audience?: string; scope?: string };
}

/** Everything checked without a call, so a pipeline can check it before its first stage. */
export function fullyQualifiedScopes(inputs: Pick<OciTokenInputs, "scopes" | "audience">): string[] {
  return qualifyScopes(inputs.scopes, inputs.audience);
}

/** An OAuth 2.0 client-credentials access token, masked before anything else sees it. */
export async function ociToken(inputs: OciTokenInputs, ctx: StepContext): Promise<OciTokenResult> {
  const credential = requireOcid(inputs.credentialOcid, "credential-ocid", ["credential"]);
  const region = resolveRegion(inputs.region, "region", (message) => ctx.logger.warning(message));
  const scopes = fullyQualifiedScopes(inputs);
  const baseUrl = ctx.endpoints.oci ?? `https://auth.${region.id}.${region.secondLevelDomain}`;
  const token = await requestOAuth2Token({
    baseUrl,
    credentialOcid: credential.value,
    credentialSecret: inputs.credentialSecret,
    scopes,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  ctx.secrets.register(token.accessToken);
  const claims = unverifiedClaims(token.accessToken) ?? {};
  const audience = Array.isArray(claims.aud) ? claims.aud.join(",") : claims.aud;
  const expiresOn = new Date(ctx.now().getTime() + token.expiresInSeconds * 1000);
  ctx.logger.info(
    `OAuth 2.0 token for ${scopes.length} scope${scopes.length === 1 ? "" : "s"} from ${baseUrl}, valid ${token.expiresInSeconds} s (until ${expiresOn.toISOString()}).`,
  );
  return {
    ...token,
    expiresOn,
    scopes,
    claims: {
      ...(typeof claims.iss === "string" ? { issuer: claims.iss } : {}),
      ...(typeof audience === "string" ? { audience } : {}),
      ...(typeof claims.scope === "string" ? { scope: claims.scope } : {}),
    },
  };
}
